"""What data protection keeps: the log of staff reads, the retention runs, the notice seen by students."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, event
from sqlalchemy.orm import relationship

from app.people.models import utcnow

# Through what a contract was read (ContractRead.channel).
PAGE, PDF, ZIP, EXPORT, NIGHTLY, API = "page", "pdf", "zip", "export", "nightly", "api"
CHANNELS = (PAGE, PDF, ZIP, EXPORT, NIGHTLY, API)


class ContractRead(Model):
    """One read of one contract by a member of staff: who, as whom, which contract, when, through what.

    Append-only: the application never changes or deletes a row, except the retention job removing
    rows older than the log's own retention period. Students are found through the contract, so an
    anonymised contract's reads no longer point at anyone.
    """

    __tablename__ = "contract_read"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    # The account used; when impersonating, the account acted as, and the real person below.
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    impersonator_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    impersonator = relationship("User", foreign_keys=[impersonator_id], lazy="joined")
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    contract = relationship("Contract", lazy="joined")
    channel = Column(String(16), nullable=False)

    @property
    def reader(self):
        """The person who read: the impersonator when someone acted as another user."""
        return self.impersonator or self.user


@event.listens_for(ContractRead, "before_update")
@event.listens_for(ContractRead, "before_delete")
def _append_only(mapper, connection, target):
    raise ValueError("The read log is append-only.")


class RetentionRun(Model):
    """One run of the retention job (scheduled or from the command line): what it changed."""

    __tablename__ = "retention_run"
    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime)
    trigger = Column(String(16), nullable=False)  # "job" or "command"
    retention_years = Column(Integer, nullable=False)
    last_year_anonymised = Column(Integer, nullable=False)  # contracts of this academic year and before
    contracts_anonymised = Column(Integer, nullable=False, default=0)
    reads_before = Column(DateTime, nullable=False)  # read-log rows older than this are deleted
    reads_deleted = Column(Integer, nullable=False, default=0)
    # Identities of students last registered this academic year or before (app.privacy.identities).
    identities_last_year = Column(Integer)
    identities_anonymised = Column(Integer, nullable=False, default=0, server_default="0")
    # Other personal logs older than this are deleted (app.privacy.logs).
    logs_before = Column(DateTime)
    impersonations_deleted = Column(Integer, nullable=False, default=0, server_default="0")
    impersonation_requests_deleted = Column(Integer, nullable=False, default=0, server_default="0")
    notifications_deleted = Column(Integer, nullable=False, default=0, server_default="0")
    sync_errors_deleted = Column(Integer, nullable=False, default=0, server_default="0")


class NoticeSeen(Model):
    """A student has seen the information notice on personal data (shown until they have)."""

    __tablename__ = "privacy_notice_seen"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    seen_at = Column(DateTime, nullable=False, default=utcnow)
