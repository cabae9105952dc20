"""A ``limits`` storage in the application's database: ``RATELIMIT_STORAGE_URI=database://``.

Several web nodes then share the login counters with nothing but the database they already
share (Redis remains possible: ``redis://…``). Fixed windows only, which is what Flask-Limiter
uses by default. Each ``incr`` is one atomic upsert (PostgreSQL and SQLite both have
``INSERT … ON CONFLICT``), so concurrent attempts are all counted.
"""
import time

from flask import current_app
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.exc import SQLAlchemyError

from app.security.models import RateLimitCounter

TABLE = RateLimitCounter.__table__


def _insert(dialect):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["database"]

    def __init__(self, uri="database://", wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _engine():
        return current_app.extensions["sqlalchemy"].engine

    def incr(self, key, expiry, amount=1):
        now = time.time()
        engine = self._engine()
        insert = _insert(engine.dialect.name)(TABLE).values(key=key, count=amount, expires_at=now + expiry)
        expired = TABLE.c.expires_at <= now
        statement = insert.on_conflict_do_update(
            index_elements=[TABLE.c.key],
            set_={
                "count": case((expired, amount), else_=TABLE.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=TABLE.c.expires_at),
            },
        ).returning(TABLE.c.count)
        with engine.begin() as conn:
            return conn.execute(statement).scalar_one()

    def _row(self, key):
        with self._engine().connect() as conn:
            return conn.execute(select(TABLE.c.count, TABLE.c.expires_at).where(TABLE.c.key == key)).first()

    def get(self, key):
        row = self._row(key)
        return row.count if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key):
        row = self._row(key)
        return row.expires_at if row is not None and row.expires_at > time.time() else time.time()

    def check(self):
        try:
            with self._engine().connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self):
        with self._engine().begin() as conn:
            return conn.execute(delete(TABLE)).rowcount

    def clear(self, key):
        with self._engine().begin() as conn:
            conn.execute(delete(TABLE).where(TABLE.c.key == key))

    def purge(self):
        """Delete the counters whose window is over."""
        with self._engine().begin() as conn:
            return conn.execute(delete(TABLE).where(TABLE.c.expires_at <= time.time())).rowcount
