"""In-app notifications: the events the e-mails tell, kept in the application too.

A contract started or validated tells the programme's DETUs; signed or returned tells the student.
The navbar shows how many are unread (and, to a DETU, how many contracts wait for their
signature); ``/notifications/`` lists them. Written on the same contract signals as the e-mails,
after the transition is committed: a failure here never undoes a transition.
"""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app import policy
from app.contracts import signals
from app.contracts.labels import year_label
from app.contracts.models import Contract
from app.extensions import db
from app.notify.models import Notification
from app.people.models import DetuAssignment, utcnow

log = logging.getLogger(__name__)

MESSAGES = {
    "started": _l("%(student)s started their contract (%(programme)s)."),
    "submitted": _l("%(student)s validated their contract (%(programme)s): it awaits your signature."),
    "signed": _l("Your contract %(year)s has been signed."),
    "returned": _l("Your contract %(year)s has been returned to you: see the reason and change it."),
}


def recipients(contract, event):
    """Who hears of this event: the programme's active DETUs, or the student's account."""
    if event in ("started", "submitted"):
        from flask import current_app

        user_model = current_app.appbuilder.sm.user_model
        return db.session.scalars(
            select(DetuAssignment.user_id).join(user_model, user_model.id == DetuAssignment.user_id)
            .where(DetuAssignment.programme_id == contract.programme_id, user_model.active.is_(True))
        ).all()
    user_id = contract.student.user_id
    return [user_id] if user_id is not None else []


def notify(contract, event):
    for user_id in recipients(contract, event):
        db.session.add(Notification(user_id=user_id, contract_id=contract.id, event=event))


def _receiver(event):
    def receive(contract, **_):
        try:
            notify(contract, event)
            db.session.commit()
        except Exception:  # noqa: BLE001 — the transition is committed; log and carry on
            db.session.rollback()
            log.exception("could not record the %s notifications of contract %s", event, getattr(contract, "id", "?"))

    receive.__name__ = f"notify_{event}"
    return receive


_RECEIVERS = {event: _receiver(event) for event in MESSAGES}


def connect():
    signals.contract_started.connect(_RECEIVERS["started"])
    signals.contract_submitted.connect(_RECEIVERS["submitted"])
    signals.contract_signed.connect(_RECEIVERS["signed"])
    signals.contract_returned.connect(_RECEIVERS["returned"])


# --- reading them -----------------------------------------------------------------------------


def counters(user):
    """(unread notifications, contracts waiting for this user's signature), in one statement.
    COUNT(*) rather than a column: the contracts are then counted in the index alone."""
    if user is None or not policy.has_notifications(user):
        return 0, 0
    unread = (
        select(func.count())
        .where(Notification.user_id == user.id, Notification.read_at.is_(None)).scalar_subquery()
    )
    to_sign = select(func.count()).select_from(Contract).where(policy.awaiting_signature(user)).scalar_subquery()
    return tuple(db.session.execute(select(unread, to_sign)).one())


def page_of(user, number=0, size=30):
    """(notifications, total) of one page, newest first, with their contracts."""
    mine = Notification.user_id == user.id
    total = db.session.scalar(select(func.count(Notification.id)).where(mine))
    contract = joinedload(Notification.contract)
    rows = db.session.scalars(
        select(Notification).where(mine)
        .options(contract.joinedload(Contract.student), contract.joinedload(Contract.programme))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(size).offset(number * size)
    ).all()
    return rows, total


def text_of(notification):
    contract = notification.contract
    return MESSAGES[notification.event] % {
        "student": f"{contract.student.first_name} {contract.student.last_name}",
        "programme": contract.programme.code,
        "year": year_label(contract.year),
    }


def own(user, notification_id):
    """One of the user's notifications, or None."""
    return db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )


def mark(notification, read=True):
    notification.read_at = utcnow() if read else None
    db.session.commit()


def mark_all_read(user):
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
