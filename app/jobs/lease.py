"""The database lock that keeps one scheduler running, as a lease renewed by heartbeats.

A lease whose heartbeat is older than the TTL belongs to a dead scheduler and may be taken over.
Every statement is a single atomic INSERT, UPDATE or DELETE, so two schedulers racing for the
lease on SQLite or PostgreSQL never both win. Times come from the database's clock on PostgreSQL,
so schedulers on several machines compare the same clock.
"""
import os
import secrets
import socket
from datetime import timedelta

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jobs.models import SchedulerLock
from app.people.models import utcnow

LOCK_NAME = "scheduler"


def new_holder_id():
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def database_now(conn):
    """Now, in UTC without time zone like the stored times, by the database's clock when it has one."""
    if conn.dialect.name == "postgresql":
        return conn.scalar(text("SELECT CAST(clock_timestamp() AT TIME ZONE 'UTC' AS timestamp)"))
    return utcnow()  # SQLite: one machine


class Lease:
    """Acquire, renew and release the scheduler lock; call inside an app context."""

    def __init__(self, ttl_seconds, holder=None, name=LOCK_NAME):
        self.ttl = timedelta(seconds=ttl_seconds)
        self.holder = holder or new_holder_id()
        self.name = name

    def acquire(self):
        """Take the lock if it is free, expired or already ours; True when we hold it."""
        try:
            with db.engine.begin() as conn:
                now = database_now(conn)
                conn.execute(
                    insert(SchedulerLock).values(
                        name=self.name, holder=self.holder, acquired_at=now, heartbeat_at=now
                    )
                )
            return True
        except IntegrityError:
            pass
        with db.engine.begin() as conn:
            now = database_now(conn)
            taken = conn.execute(
                update(SchedulerLock)
                .where(
                    SchedulerLock.name == self.name,
                    (SchedulerLock.holder == self.holder) | (SchedulerLock.heartbeat_at < now - self.ttl),
                )
                .values(holder=self.holder, acquired_at=now, heartbeat_at=now)
            )
            return taken.rowcount == 1

    def renew(self):
        """Refresh our heartbeat; False when someone else holds the lock now."""
        with db.engine.begin() as conn:
            renewed = conn.execute(
                update(SchedulerLock)
                .where(SchedulerLock.name == self.name, SchedulerLock.holder == self.holder)
                .values(heartbeat_at=database_now(conn))
            )
            return renewed.rowcount == 1

    def is_held(self):
        return self.current() == self.holder

    def current(self):
        """The holder of a live lease, or None."""
        with db.engine.connect() as conn:
            row = conn.execute(
                select(SchedulerLock.holder, SchedulerLock.heartbeat_at).where(SchedulerLock.name == self.name)
            ).first()
            now = database_now(conn)
        if row is None or row.heartbeat_at < now - self.ttl:
            return None
        return row.holder

    def release(self):
        with db.engine.begin() as conn:
            conn.execute(
                delete(SchedulerLock).where(SchedulerLock.name == self.name, SchedulerLock.holder == self.holder)
            )
