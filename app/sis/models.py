"""The record of each sync with the student information system: when, what it did, what failed."""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import relationship

from app.people.models import utcnow

REQUESTED, RUNNING, OK, PARTIAL, FAILED = "requested", "running", "ok", "partial", "failed"
STATUSES = (REQUESTED, RUNNING, OK, PARTIAL, FAILED)
ONE_RUNNING = text("status = 'running'")


class SyncRun(Model):
    """A run: requested from the page (the scheduler starts it), running (its process renews
    ``heartbeat_at``), then ok, partial or failed. At most one is running, whatever the process."""

    __tablename__ = "sync_run"
    __table_args__ = (
        Index("uq_sync_run_one_running", "status", unique=True, sqlite_where=ONE_RUNNING,
              postgresql_where=ONE_RUNNING),
    )
    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime)
    heartbeat_at = Column(DateTime, nullable=False, default=utcnow)
    status = Column(String(16), nullable=False, default=RUNNING, index=True)
    trigger = Column(String(16), nullable=False, default="cli")  # cli, ui, schedule, bench
    started_by = Column(String(128))
    year = Column(Integer, nullable=False)
    programme = Column(String(32))  # only this programme, when given
    dry_run = Column(Boolean, nullable=False, default=False)
    total = Column(Integer, nullable=False, default=0)
    processed = Column(Integer, nullable=False, default=0)
    created = Column(Integer, nullable=False, default=0)
    updated = Column(Integer, nullable=False, default=0)
    unchanged = Column(Integer, nullable=False, default=0)
    failed = Column(Integer, nullable=False, default=0)
    cancelled = Column(Integer, nullable=False, default=0)  # registrations newly marked cancelled
    contracts_updated = Column(Integer, nullable=False, default=0)  # double inscription kept in line
    programmes_changed = Column(Integer, nullable=False, default=0)
    faculties_changed = Column(Integer, nullable=False, default=0)
    summary = Column(Text, nullable=False, default="")
    reason = Column(Text)  # why the run failed
    errors = relationship(
        "SyncError", back_populates="run", lazy="select", order_by="SyncError.id", cascade="all, delete-orphan"
    )

    @property
    def duration(self):
        end = self.finished_at or self.heartbeat_at
        return (end - self.started_at).total_seconds() if end and self.started_at else None

    @property
    def outcome(self):
        """The run itself: pages word what it did from its counts (``app.sis.views.run_summary``)."""
        return self

    @property
    def errors_of(self):
        """The run's id when it has errors to list (the list links to them)."""
        return self.id if self.failed or self.status == PARTIAL else None

    def __repr__(self):
        return f"Sync #{self.id} {self.year} {self.status}"


class SyncError(Model):
    """One failure of a run: a student (by number) or a step (student_number empty)."""

    __tablename__ = "sync_error"
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("sync_run.id"), nullable=False, index=True)
    run = relationship("SyncRun", back_populates="errors")
    student_number = Column(String(16))
    code = Column(String(120))
    message = Column(Text, nullable=False, default="")

    def __repr__(self):
        return f"{self.student_number or '—'} {self.code or ''}"
