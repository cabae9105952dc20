"""The scheduler's lock (one running scheduler) and the last run of each job."""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, String, Text


class SchedulerLock(Model):
    """A lease: its holder renews ``heartbeat_at``; a lease not renewed within the TTL may be taken."""

    __tablename__ = "scheduler_lock"
    name = Column(String(32), primary_key=True)
    holder = Column(String(200), nullable=False)
    acquired_at = Column(DateTime, nullable=False)
    heartbeat_at = Column(DateTime, nullable=False)


class JobState(Model):
    """The last run of a job, shown by ``flask jobs``."""

    __tablename__ = "job_state"
    job_id = Column(String(64), primary_key=True)
    holder = Column(String(200))
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    ok = Column(Boolean)
    error = Column(Text)
