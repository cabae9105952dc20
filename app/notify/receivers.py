"""Contract transitions → e-mails. The transition is already committed when these run.

A failure here is logged and rolled back: it must not turn a committed transition into an error
page. Messages only reach the outbox; the "outbox-send" job sends them.
"""
import logging

from app.campaign import current_settings
from app.contracts import signals
from app.extensions import db
from app.notify import messages
from app.notify.models import DigestEntry

log = logging.getLogger(__name__)

IMMEDIATE, DIGEST = "immediate", "digest"
DETU_MODES = (IMMEDIATE, DIGEST)


def _safely(handler):
    def receiver(contract, **_):
        try:
            handler(contract)
            db.session.commit()
        except Exception:  # noqa: BLE001 — see module docstring
            db.session.rollback()
            log.exception("could not queue the e-mails of contract %s", getattr(contract, "id", "?"))

    receiver.__name__ = handler.__name__
    return receiver


def notify_detus(contract, event):
    """Tell the programme's DETUs now, or keep it for their daily digest (a setting)."""
    digest = current_settings().detu_notification == DIGEST
    for detu in messages.detus_of(contract.programme_id):
        if digest:
            db.session.add(DigestEntry(user_id=detu.id, contract_id=contract.id, event=event))
        else:
            messages.to_detu(contract, detu, event)


@_safely
def on_started(contract):
    notify_detus(contract, "started")


@_safely
def on_submitted(contract):
    notify_detus(contract, "submitted")


@_safely
def on_signed(contract):
    messages.to_student(contract, "signed")


@_safely
def on_returned(contract):
    messages.to_student(contract, "returned")


def connect():
    signals.contract_started.connect(on_started)
    signals.contract_submitted.connect(on_submitted)
    signals.contract_signed.connect(on_signed)
    signals.contract_returned.connect(on_returned)
