"""The outbox: messages are stored first, then sent by a job, retried with a growing delay.

A message that keeps failing ends "failed" with its error, visible to admins, who may queue it
again; nothing is dropped while the SMTP server is down.

Delivery is at least once. Each message is marked « sending » (committed) just before it goes to
the SMTP server and « sent » (committed) as soon as the server has accepted it; every failure is
committed with the message it belongs to. A sender that dies leaves at most the message it was
sending « sending »: once ``MAIL_CLAIM_SECONDS`` have passed it is sent again, with the same
``Message-ID``, and the interrupted attempt is counted. It reaches its recipient twice only if the
sender died in the few milliseconds between the server's acceptance and the « sent » commit; mail
clients recognise such a copy by its ``Message-ID``.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update

from app.extensions import db
from app.notify.mailer import TRANSIENT_ERRORS, SmtpMailer, is_permanent
from app.notify.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from app.people.models import utcnow

log = logging.getLogger(__name__)

INTERRUPTED = "The sender stopped while sending this message; it was sent again with the same Message-ID."
RECONNECTS = 2  # new SMTP sessions tried in one run after a connection is lost mid-batch


def enqueue(kind, to_address, subject, text, html, language="fr", to_user_id=None, contract_id=None,
            dedup_key=None):
    """Store a message to send (the caller commits); None when ``dedup_key`` was already queued."""
    if dedup_key and db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key)):
        return None
    message = OutboxMessage(
        kind=kind, to_address=to_address.strip(), subject=subject.strip()[:250], body_text=text,
        body_html=html, language=language, to_user_id=to_user_id, contract_id=contract_id,
        dedup_key=dedup_key, status=PENDING, attempts=0, next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    error: str = None

    def __str__(self):
        text = f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"
        return text + (f" ({self.error})" if self.error else "")


def retry_delay(attempts, config):
    base = config["MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), config["MAIL_RETRY_MAX_SECONDS"]))


def due_ids(now, limit):
    """Pending messages that are due, and « sending » ones whose sender died (their lease ran out)."""
    return db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_((PENDING, SENDING)), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()


def message_id_of(message, mailer):
    """The same Message-ID for every attempt at one message, so that a copy is recognised as one."""
    return mailer.message_id(f"conpere.outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}")


def send_due(mailer=None, now=None):
    """Send the messages that are due; a lost connection is reopened; returns a SendReport."""
    config = current_app.config
    mailer = mailer or SmtpMailer(config)
    now = now or utcnow()
    report = SendReport()
    waiting = list(due_ids(now, config["MAIL_BATCH_SIZE"]))
    sessions = 0
    while waiting and sessions <= RECONNECTS:
        sessions += 1
        try:
            with mailer.session() as smtp:
                waiting = _send_all(smtp, waiting, mailer, now, report)
        except TRANSIENT_ERRORS as exc:
            # The server is unreachable: every message left waits for its next attempt, none is lost.
            db.session.rollback()
            report.error = f"SMTP server {mailer.describe()} unreachable: {_describe(exc)}"
            _postpone(waiting, now, report)
            waiting = []
    if report.error:
        log.warning("outbox: %s", report)
    return report


def _send_all(smtp, ids, mailer, now, report):
    """Send each message over one session; returns the ids not tried when the connection was lost."""
    config = current_app.config
    for position, message_id in enumerate(ids):
        message = _claim(message_id, now, config)
        if message is None:
            continue
        try:
            email = mailer.build(message.to_address, message.subject, message.body_text, message.body_html,
                                 message_id_of(message, mailer))
        except (ValueError, TypeError) as exc:  # an address or header no server would take
            _failed(message, exc, report, config, permanent=True)
            db.session.commit()
            continue
        try:
            smtp.send_message(email)
        except TRANSIENT_ERRORS as exc:
            _failed(message, exc, report, config, permanent=is_permanent(exc))
            db.session.commit()
            if not _connection_alive(smtp):
                report.error = f"connection to {mailer.describe()} lost"
                return ids[position + 1:]
            continue
        message.status, message.sent_at, message.last_error = SENT, utcnow(), None
        message.attempts += 1
        report.sent += 1
        db.session.commit()
    return []


def _claim(message_id, now, config):
    """Mark the message « sending » for us alone; None when another sender has it or it is no longer due.

    A message found « sending » was left by a sender that died: that attempt is counted and noted.
    """
    interrupted = OutboxMessage.status == SENDING
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_((PENDING, SENDING)),
               OutboxMessage.next_attempt_at <= now)
        .values(status=SENDING,
                next_attempt_at=utcnow() + timedelta(seconds=config["MAIL_CLAIM_SECONDS"]),
                attempts=OutboxMessage.attempts + case((interrupted, 1), else_=0),
                last_error=case((interrupted, INTERRUPTED), else_=OutboxMessage.last_error))
    ).rowcount
    db.session.commit()
    return db.session.get(OutboxMessage, message_id) if claimed == 1 else None


def _postpone(ids, now, report):
    """Record a failed attempt on each message that could not be sent (the server is unreachable)."""
    config = current_app.config
    for message_id in ids:
        message = db.session.get(OutboxMessage, message_id)
        if message is not None and message.status in (PENDING, SENDING) and message.next_attempt_at <= now:
            _failed(message, report.error, report, config)
            db.session.commit()


def _failed(message, error, report, config, permanent=False):
    message.attempts += 1
    message.last_error = error if isinstance(error, str) else _describe(error)
    if permanent or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.status = FAILED
        report.failed += 1
    else:
        message.status = PENDING
        message.next_attempt_at = utcnow() + retry_delay(message.attempts, config)
        report.retried += 1


def _connection_alive(smtp):
    try:
        return smtp.noop()[0] == 250
    except TRANSIENT_ERRORS:
        return False


def _describe(exc):
    return f"{exc.__class__.__name__}: {exc}".strip()[:2000]


def requeue(ids=None, failed=False):
    """Queue messages again for an immediate attempt; returns how many were queued."""
    query = update(OutboxMessage).where(OutboxMessage.status != SENT)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    if failed:
        query = query.where(OutboxMessage.status == FAILED)
    count = db.session.execute(
        query.values(status=PENDING, attempts=0, next_attempt_at=utcnow())
    ).rowcount
    db.session.commit()
    return count


def prune(now=None):
    """Delete sent messages older than OUTBOX_KEEP_DAYS (they hold personal data)."""
    keep = current_app.config["OUTBOX_KEEP_DAYS"]
    if not keep:
        return 0
    limit = (now or utcnow()) - timedelta(days=keep)
    count = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status == SENT, OutboxMessage.sent_at < limit)
    ).rowcount
    db.session.commit()
    return count


def send_job(app):
    """The "outbox-send" job."""
    with app.app_context():
        report = send_due()
        prune()
        if report.sent or report.retried or report.failed:
            log.info("outbox: %s", report)
