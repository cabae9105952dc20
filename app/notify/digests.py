"""The DETUs' daily digest: one message per DETU with the contracts started and validated since the last one."""
from itertools import groupby

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.notify import messages
from app.notify.mailer import valid_address
from app.notify.models import DigestEntry


def send_digests():
    """Queue one digest per DETU with pending entries; returns how many digests were queued."""
    entries = db.session.scalars(select(DigestEntry).order_by(DigestEntry.user_id, DigestEntry.id)).all()
    users = current_app.appbuilder.sm
    queued = 0
    for user_id, group in groupby(entries, key=lambda e: e.user_id):
        group = list(group)
        detu = users.get_user_by_id(user_id)
        if detu is not None and detu.active and valid_address(detu.email):
            started = _unique(e.contract for e in group if e.event == "started")
            submitted = _unique(e.contract for e in group if e.event == "submitted")
            messages.digest(detu, started, submitted)
            queued += 1
        db.session.execute(delete(DigestEntry).where(DigestEntry.id.in_([e.id for e in group])))
        db.session.commit()
    return queued


def _unique(contracts):
    seen = {}
    for contract in contracts:
        seen.setdefault(contract.id, contract)
    return sorted(seen.values(), key=lambda c: (c.programme.code, c.student.last_name, c.student.first_name))


def digest_job(app):
    """The "detu-digest" job."""
    with app.app_context():
        send_digests()
