"""The e-mail outbox, the pending digest entries and each user's language for e-mails."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from app.people.models import utcnow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MESSAGE_STATUSES = (PENDING, SENDING, SENT, FAILED)


class OutboxMessage(Model):
    """An e-mail stored before it is sent: nothing is lost while the SMTP server is down.

    ``next_attempt_at`` doubles as a lease: a sender claims a message by marking it « sending » and
    moving it forward, so two senders never send the same message at the same time, and a message
    left « sending » by a sender that died is taken again once the lease has run out.
    """

    __tablename__ = "outbox_message"
    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    kind = Column(String(32), nullable=False, index=True)
    to_address = Column(String(320), nullable=False)
    to_user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    language = Column(String(5), nullable=False, default="fr")
    subject = Column(String(250), nullable=False)
    body_text = Column(Text, nullable=False)
    body_html = Column(Text, nullable=False)
    # Same key, same message: reminders are never sent twice.
    dedup_key = Column(String(200), unique=True)
    status = Column(String(16), nullable=False, default=PENDING, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    last_error = Column(Text)
    sent_at = Column(DateTime)

    def __repr__(self):
        return f"#{self.id} {self.kind} → {self.to_address} ({self.status})"


class DigestEntry(Model):
    """Something a DETU will read in their next daily digest instead of a separate e-mail."""

    __tablename__ = "digest_entry"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False)
    contract = relationship("Contract", lazy="joined")
    event = Column(String(16), nullable=False)  # "started" or "submitted"
    created_at = Column(DateTime, nullable=False, default=utcnow)


class UserLanguage(Model):
    """The language a user chose in the application: their e-mails are written in it."""

    __tablename__ = "user_language"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    language = Column(String(5), nullable=False)


class Notification(Model):
    """A notice shown in the application: the same events as the e-mails, for one user."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    contract = relationship("Contract", lazy="select")
    event = Column(String(16), nullable=False)  # started, submitted, signed, returned
    created_at = Column(DateTime, nullable=False, default=utcnow)
    read_at = Column(DateTime)
