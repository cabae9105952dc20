"""The "security-purge" job: ended sessions and spent login counters do not pile up.

Every sign-in writes a ``user_session`` row and every login attempt a ``rate_limit_counter`` row;
both tables are read at each request or attempt, so they are kept to what is still useful.
"""
from app.security import sessions
from app.security.ratelimit_storage import DatabaseStorage


def purge_expired():
    """Delete sessions ended or expired for 30 days and counters whose window is over; returns
    (sessions deleted, counters deleted)."""
    return sessions.purge(), DatabaseStorage().purge()


def purge_job(app):
    with app.app_context():
        purge_expired()
