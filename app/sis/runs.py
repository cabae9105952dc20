"""A sync run's record and liveness: opened (never two at once), requested from the page and claimed
by the scheduler, kept alive by a heartbeat, saved and finished.

A run is alive while its process renews ``heartbeat_at`` (every ``SYNC_HEARTBEAT_SECONDS``, from its
own thread); one silent for ``SYNC_STALE_SECONDS`` — killed, its machine or database gone — is
marked failed by the next run that opens. Every write here is one short statement on a connection
of its own, never an ORM session a failure could leave unusable: a run records its end even after
its database connection broke (retrying while the database restarts).
"""
import logging
import threading
import time
from dataclasses import dataclass, fields
from datetime import timedelta

from flask import current_app
from sqlalchemy import create_engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.catalog.models import Settings
from app.extensions import db
from app.people.models import utcnow
from app.sis.models import FAILED, REQUESTED, RUNNING, SyncError, SyncRun

log = logging.getLogger(__name__)


class SyncRefused(Exception):
    """Another run is in progress (or already requested)."""


@dataclass
class SyncOptions:
    year: int = None
    programme: str = None  # "L1MATH" or "L1MATH-101"
    dry_run: bool = False
    trigger: str = "cli"
    started_by: str = None


@dataclass
class Counts:
    """What a run did so far (saved at each checkpoint)."""

    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    cancelled: int = 0  # registrations newly marked cancelled
    contracts_updated: int = 0
    programmes_changed: int = 0
    faculties_changed: int = 0

    def values(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Ticket:
    """An opened run: its id, its year and its options."""

    id: int
    year: int
    options: SyncOptions


def _stale_before(config):
    return utcnow() - timedelta(seconds=config["SYNC_STALE_SECONDS"])


def _retire_dead(conn, config):
    """Mark failed the running runs without a sign of life; the live one (a row) or None."""
    stale, live = _stale_before(config), None
    for row in conn.execute(select(SyncRun.id, SyncRun.started_at, SyncRun.heartbeat_at)
                            .where(SyncRun.status == RUNNING)):
        if row.heartbeat_at < stale:
            conn.execute(update(SyncRun).where(SyncRun.id == row.id, SyncRun.status == RUNNING).values(
                status=FAILED, finished_at=row.heartbeat_at,
                reason=f"Interrupted: no sign of life since {row.heartbeat_at:%Y-%m-%d %H:%M:%S} (UTC).",
                summary="Failed.",
            ))
        else:
            live = row
    return live


def _busy(live):
    return SyncRefused(f"Sync #{live.id} is already running (started {live.started_at:%Y-%m-%d %H:%M} UTC).")


def _year(conn, options):
    return options.year or conn.scalar(select(Settings.current_year).where(Settings.id == 1)) or 0


def open_run(options, app=None):
    """Record a new running run here and now, refusing while another one is alive: a Ticket."""
    config = (app or current_app).config
    try:
        with db.engine.begin() as conn:
            live = _retire_dead(conn, config)
            if live is not None:
                raise _busy(live)
            year = _year(conn, options)
            run_id = conn.execute(insert(SyncRun).values(
                year=year, programme=options.programme, dry_run=options.dry_run, trigger=options.trigger,
                started_by=options.started_by, status=RUNNING, summary="", started_at=utcnow(),
                heartbeat_at=utcnow(), **Counts().values(),
            )).inserted_primary_key[0]
    except IntegrityError:  # another process opened one between our check and our insert
        raise SyncRefused("Another sync has just started.") from None
    return Ticket(run_id, year, options)


def request_run(options, app=None):
    """Record a run for the scheduler to start (the page's "start a sync"); its id."""
    with db.engine.begin() as conn:
        waiting = conn.scalar(select(SyncRun.id).where(SyncRun.status == REQUESTED))
        if waiting is not None:
            raise SyncRefused(f"Sync #{waiting} is already requested: it starts within a minute.")
        return conn.execute(insert(SyncRun).values(
            year=_year(conn, options), programme=options.programme, dry_run=options.dry_run,
            trigger=options.trigger, started_by=options.started_by, status=REQUESTED, summary="",
            started_at=utcnow(), heartbeat_at=utcnow(), **Counts().values(),
        )).inserted_primary_key[0]


def claim_requested(app=None):
    """Turn the oldest requested run into the running one (when none is alive): a Ticket or None."""
    config = (app or current_app).config
    try:
        with db.engine.begin() as conn:
            if _retire_dead(conn, config) is not None:
                return None
            row = conn.execute(select(SyncRun).where(SyncRun.status == REQUESTED).order_by(SyncRun.id)).first()
            if row is None:
                return None
            claimed = conn.execute(update(SyncRun).where(SyncRun.id == row.id, SyncRun.status == REQUESTED).values(
                status=RUNNING, started_at=utcnow(), heartbeat_at=utcnow()))
            if claimed.rowcount != 1:
                return None
    except IntegrityError:
        return None
    options = SyncOptions(year=row.year, programme=row.programme, dry_run=row.dry_run, trigger=row.trigger,
                          started_by=row.started_by)
    return Ticket(row.id, row.year, options)


def live_run_exists(config):
    """Whether a run is running and alive now."""
    with db.engine.connect() as conn:
        return conn.scalar(select(SyncRun.id).where(
            SyncRun.status == RUNNING, SyncRun.heartbeat_at >= _stale_before(config))) is not None


# --- the run's own database access --------------------------------------------------------------


def run_engine():
    """(engine, disposable) for a run's writes: connections checked before use, so a database that
    restarted is reconnected to; on SQLite, explicit transactions that take the write lock at once.

    pysqlite opens transactions lazily, so a SAVEPOINT issued between two transactions starts one
    of its own and its RELEASE commits: per-student savepoints would commit each student at once
    and a dry run would save. SQLAlchemy's documented fix (explicit BEGIN) is applied here, leaving
    the app's own connections as they are. IMMEDIATE: the run's work and its heartbeat write from
    two connections; a transaction that read first and writes later could not wait for the other
    one (SQLite answers "database is locked" at once rather than deadlock), one that locks at BEGIN
    waits its turn.
    """
    url = db.engine.url
    if db.engine.dialect.name != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=3, max_overflow=2), True
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _explicit_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine, True


class RunBook:
    """Saves a run's counters, errors and end with single statements on the run's engine."""

    def __init__(self, engine, run_id, max_errors=500):
        self.engine = engine
        self.run_id = run_id
        self.max_errors = max_errors
        self.errors_kept = 0

    def save(self, counts, errors=(), **values):
        rows = []
        for error in errors:
            if self.errors_kept < self.max_errors:
                rows.append(dict(run_id=self.run_id, **error))
                self.errors_kept += 1
        with self.engine.begin() as conn:
            conn.execute(update(SyncRun).where(SyncRun.id == self.run_id).values(
                heartbeat_at=utcnow(), **counts.values(), **values))
            if rows:
                conn.execute(insert(SyncError), rows)

    def save_end(self, counts, errors, wait_seconds=30.0, **values):
        """Record the end, retrying while the database is away; False when it never came back."""
        deadline, delay = time.monotonic() + wait_seconds, 0.5
        while True:
            try:
                self.save(counts, errors, **values)
                return True
            except SQLAlchemyError as exc:
                if time.monotonic() + delay > deadline:
                    log.error("Sync #%s: its end could not be recorded (%s); the next run will mark it failed.",
                              self.run_id, _first_line(exc))
                    return False
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def beat(self):
        with self.engine.begin() as conn:
            conn.execute(update(SyncRun).where(SyncRun.id == self.run_id, SyncRun.status == RUNNING)
                         .values(heartbeat_at=utcnow()))


class Heartbeat:
    """Renews the run's heartbeat from a thread of its own while the run works, whatever it waits for."""

    def __init__(self, book, every):
        self.book = book
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"sync-{book.run_id}-heartbeat", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _loop(self):
        failing = False
        while not self._stop.wait(self.every):
            try:
                self.book.beat()
                failing = False
            except SQLAlchemyError as exc:  # the database is away or busy: the run itself will notice
                log.log(logging.DEBUG if failing else logging.WARNING, "Sync #%s: heartbeat not recorded (%s)",
                        self.book.run_id, _first_line(exc))
                failing = True


def _first_line(exc):
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --- what the runs' page shows -----------------------------------------------------------------


@dataclass
class Activity:
    """The run waiting for the scheduler, the run going on, and whether a scheduler starts requests."""

    requested: object = None  # SyncRun
    running: object = None  # SyncRun
    picked_up: bool = False


def current_activity(session, config, job_id):
    """What is going on now, for the runs' page (``job_id``: the scheduler job that starts requests)."""
    from app.jobs.models import JobState

    requested = session.scalars(select(SyncRun).where(SyncRun.status == REQUESTED).order_by(SyncRun.id)).first()
    running = session.scalars(select(SyncRun).where(
        SyncRun.status == RUNNING, SyncRun.heartbeat_at >= _stale_before(config))).first()
    state = session.get(JobState, job_id)
    if state is None or state.started_at is None:
        picked_up = False
    elif state.finished_at is None or state.finished_at < state.started_at:
        picked_up = running is not None  # the job is running a requested sync, if that one is alive
    else:  # the job runs every minute: it was seen lately
        picked_up = state.started_at >= utcnow() - timedelta(minutes=3)
    return Activity(requested, running, picked_up)
