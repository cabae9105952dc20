"""How transactions end on PostgreSQL: a transaction that only read ends with COMMIT.

For a transaction that wrote nothing, COMMIT and ROLLBACK do the same. But psycopg forgets every
prepared statement at a ROLLBACK (a rolled-back transaction may have dropped what they refer to),
and every request ended with one when its session closed: no statement was ever prepared, so each
was parsed and planned again at every page. Prepared (psycopg prepares a statement from its fifth
run on a connection), the session's statement takes 0.13 ms instead of 0.6.

A transaction that ran anything but a SELECT, or failed, or is not known to have only read, still
ends with ROLLBACK: what was written and not committed is discarded as before. Schema changes run on
their own connections (migrations), and PostgreSQL plans a prepared statement again when a table it
reads changes. Generic plans and PgBouncer: docs/deployment.md.
"""
import weakref

from psycopg.pq import TransactionStatus
from sqlalchemy import event

from app.extensions import db


def init_app(app):
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.driver == "psycopg":
                end_reads_with_commit(engine)


def end_reads_with_commit(engine):
    # The DBAPI connections whose transaction has run only SELECTs so far, all through this engine.
    # Anything unknown (another statement, a transaction opened elsewhere) is left out: it ends with
    # ROLLBACK, as it always did.
    reads_only = weakref.WeakSet()

    @event.listens_for(engine, "before_cursor_execute")
    def _follow(connection, cursor, statement, parameters, context, executemany):
        driver = cursor.connection
        if statement.lstrip()[:6].upper() != "SELECT":
            reads_only.discard(driver)
        elif driver.pgconn.transaction_status == TransactionStatus.IDLE:  # this SELECT opens the transaction
            reads_only.add(driver)

    dialect = engine.dialect
    rollback, commit = dialect.do_rollback, dialect.do_commit

    def ended(connection):
        """Whether the transaction only read; it is forgotten either way (it is about to end)."""
        driver = getattr(connection, "dbapi_connection", connection)  # a pool proxy or record: its connection
        if driver not in reads_only:
            return None
        reads_only.discard(driver)
        return driver if driver.pgconn.transaction_status == TransactionStatus.INTRANS else None

    def do_rollback(connection):
        driver = ended(connection)
        if driver is not None:
            driver.commit()
        else:
            rollback(connection)

    def do_commit(connection):
        ended(connection)
        commit(connection)

    dialect.do_rollback, dialect.do_commit = do_rollback, do_commit
