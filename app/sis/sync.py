"""The sync: faculties, the offer of the configured diploma types, then each student of it.

Each student is its own unit of work (a savepoint): one failure does not stop the others, and no
student is ever half written. Work is committed in batches, so a run that dies midway leaves
every student either as the previous run left them or fully updated. Every run is recorded
(``SyncRun``); two runs never overlap.
"""
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.catalog.models import Settings
from app.extensions import db
from app.people.models import Programme, Registration, Student, utcnow
from app.sis.interface import SisError
from app.sis.models import FAILED, OK, PARTIAL, RUNNING, SyncError, SyncRun
from app.sis.pipeline import unordered_map
from app.sis.service import get_sis
from app.sis.upsert import (
    CREATED,
    UPDATED,
    Catalogue,
    StudentContext,
    apply_faculties,
    apply_programmes,
    apply_student,
)

log = logging.getLogger(__name__)


class SyncRefused(Exception):
    """Another run is in progress."""


class SyncAborted(Exception):
    """The run cannot go on; the message is the reason shown to users."""


@dataclass
class SyncOptions:
    year: int = None
    programme: str = None  # "L1MATH" or "L1MATH-101"
    dry_run: bool = False
    trigger: str = "cli"
    started_by: str = None


def _sessions():
    return sessionmaker(bind=db.engine, expire_on_commit=False)


def _work_engine():
    """The engine of the run's data writes: the app's, except on SQLite.

    pysqlite opens transactions lazily, so a SAVEPOINT issued between two transactions starts
    one of its own and its RELEASE commits: per-student savepoints would commit each student at
    once and a dry run would save. SQLAlchemy's documented fix (explicit BEGIN) is applied to a
    dedicated engine, leaving the app's own connections as they are.
    """
    from sqlalchemy import create_engine, event

    engine = db.engine
    if engine.dialect.name != "sqlite":
        return engine, False
    work = create_engine(engine.url, connect_args={"timeout": 30})

    @event.listens_for(work, "connect")
    def _no_implicit_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(work, "begin")
    def _explicit_begin(connection):
        connection.exec_driver_sql("BEGIN")

    return work, True


def open_run(options, app=None):
    """Record a new run (refusing if another one is alive); returns its id."""
    config = (app or current_app).config
    session = _sessions()()
    try:
        stale = utcnow() - timedelta(minutes=config.get("SYNC_STALE_MINUTES", 15))
        for other in session.scalars(select(SyncRun).where(SyncRun.status == RUNNING)):
            if other.heartbeat_at < stale:
                other.status, other.finished_at = FAILED, other.heartbeat_at
                other.reason = f"Interrupted: no sign of life since {other.heartbeat_at:%Y-%m-%d %H:%M} (UTC)."
            else:
                raise SyncRefused(
                    f"Sync #{other.id} is already running (started {other.started_at:%Y-%m-%d %H:%M} UTC)."
                )
        settings = session.get(Settings, 1)
        year = options.year or (settings.current_year if settings else None)
        run = SyncRun(
            year=year or 0, programme=options.programme, dry_run=options.dry_run, trigger=options.trigger,
            started_by=options.started_by, status=RUNNING, summary="",
        )
        session.add(run)
        session.commit()
        return run.id
    finally:
        session.close()


def run_sync(options, sis=None, on_progress=None, app=None):
    """Open a run and execute it here; returns the finished SyncRun (detached)."""
    return execute_run(open_run(options, app), options, sis, on_progress, app)


def execute_run(run_id, options, sis=None, on_progress=None, app=None):
    app = app or current_app._get_current_object()
    book = _sessions()()
    engine, own_engine = _work_engine()
    work = sessionmaker(bind=engine, expire_on_commit=False)()
    run = book.get(SyncRun, run_id)
    sync = _Sync(app, book, work, run, options, on_progress)
    try:
        sync.execute(sis or get_sis(app))
    except (SyncAborted, SisError) as exc:
        sync.finish(FAILED, reason=str(exc))
    except BaseException as exc:
        log.exception("Sync #%s stopped", run_id)
        reason = "Interrupted." if isinstance(exc, (KeyboardInterrupt, SystemExit)) else f"{type(exc).__name__}: {exc}"
        sync.finish(FAILED, reason=reason)
        if not isinstance(exc, Exception):
            raise
    finally:
        work.close()
        book.close()
        if own_engine:
            engine.dispose()
    return run


def start_in_background(app, options):
    """Open a run now (so the caller learns at once if another one is running) and execute it in a
    thread of this process; returns the run id."""
    run_id = open_run(options, app)

    def target():
        with app.app_context():
            execute_run(run_id, options, app=app)

    thread = threading.Thread(target=target, name=f"sync-{run_id}", daemon=True)
    app.extensions.setdefault("sis_threads", []).append(thread)
    thread.start()
    return run_id


def find_programme(offer, code):
    code = (code or "").strip().upper()
    step, _, version = code.partition("-")
    return [p for p in offer if p.step_code.upper() == step and (not version or p.step_version.upper() == version)]


class _Sync:
    def __init__(self, app, book, work, run, options, on_progress):
        self.app, self.book, self.work, self.run = app, book, work, run
        self.options = options
        self.on_progress = on_progress or (lambda done, total: None)
        self.errors = []  # not yet written
        self.errors_kept = 0
        self.first_error = None
        self.step_errors = 0
        self.max_errors = app.config.get("SYNC_MAX_ERRORS", 500)
        self.batch_size = app.config.get("SYNC_BATCH_SIZE", 200)
        self.batch_seconds = app.config.get("SYNC_BATCH_SECONDS", 2.0)
        self.idle_seconds = app.config.get("SYNC_IDLE_COMMIT_SECONDS", 0.5)

    # --- the steps

    def execute(self, sis):
        run, work = self.run, self.work
        settings = work.get(Settings, 1)
        if settings is None:
            raise SyncAborted("The settings are missing: run 'flask --app run seed' first.")
        types = settings.diploma_type_list
        work.rollback()  # hold no transaction (no SQLite lock) while Apogée is asked
        if not types:
            raise SyncAborted(
                "No diploma type is set in the settings (Settings → Diploma types): nothing to sync."
            )
        year = run.year
        faculties = sis.faculties()
        offer = sis.programmes(year, types)
        if not offer:
            raise SyncAborted(f"Apogée's offer for {year} has no programme of the diploma types {', '.join(types)}.")
        selected = offer
        if self.options.programme:
            selected = find_programme(offer, self.options.programme)
            if not selected:
                raise SyncAborted(
                    f"Programme {self.options.programme} is not in Apogée's offer for {year} "
                    f"(diploma types {', '.join(types)})."
                )
        catalogue = Catalogue(work)
        run.faculties_changed = apply_faculties(catalogue, faculties)
        run.programmes_changed = apply_programmes(catalogue, selected, types, complete=not self.options.programme)
        self.checkpoint()

        numbers = self.students_to_sync(sis, selected, year)
        run.total = len(numbers)
        self.checkpoint(force_book=True)
        ctx = self.ctx = StudentContext(work, catalogue, year, numbers=numbers)
        self.last, self.done = time.monotonic(), []
        students = unordered_map(lambda pair: sis.student(pair[1], year), enumerate(numbers), sis.concurrency,
                                 on_wait=self.idle)
        for (index, number), snapshot, error in students:
            ctx.reach(index)
            if error is None:
                error = self.apply_one(ctx, snapshot)
            if error is not None:
                run.failed += 1
                self.record(number, error)
            run.processed += 1
            self.done.append(number)
            self.on_progress(run.processed, run.total)
            if len(self.done) >= self.batch_size or time.monotonic() - self.last >= self.batch_seconds:
                self.commit_batch()
        self.checkpoint()
        if run.total and run.failed == run.total:
            first = self.first_error.message if self.first_error else ""
            self.finish(FAILED, reason=f"Every student failed. First error: {first}")
        else:
            self.finish(PARTIAL if run.failed or self.step_errors else OK)

    def commit_batch(self):
        self.checkpoint()
        self.ctx.release(self.done)
        self.done, self.last = [], time.monotonic()

    def idle(self):
        """Apogée is slower than the database: commit what is done rather than hold it (and, on
        SQLite, the write lock) while waiting."""
        if self.done and time.monotonic() - self.last >= self.idle_seconds:
            self.commit_batch()

    def students_to_sync(self, sis, programmes, year):
        """Students listed by Apogée in these programmes, plus those we hold there (to notice the
        registrations Apogée no longer lists)."""
        numbers = set()
        for programme, listing, error in unordered_map(lambda p: sis.students_of(p, year), programmes,
                                                       sis.concurrency):
            if error is not None:
                self.step_errors += 1
                self.record(None, error, prefix=f"{programme.step_code}-{programme.step_version}: ")
                continue
            numbers.update(s.student_number for s in listing)
        keys = {p.key for p in programmes}
        held = self.work.execute(
            select(Student.student_number, Programme.step_code, Programme.step_version)
            .join(Registration, Registration.student_id == Student.id)
            .join(Programme, Registration.programme_id == Programme.id)
            .where(Registration.year == year, Registration.is_cancelled.is_(False))
        )
        numbers.update(number for number, step, version in held if (step, version) in keys)
        return sorted(numbers)

    def apply_one(self, ctx, snapshot):
        """One student in its own savepoint; the error, or None."""
        ctx.catalogue.mark()
        savepoint = self.work.begin_nested()
        try:
            outcome = apply_student(ctx, snapshot)
            self.work.flush()
            savepoint.commit()
        except Exception as exc:  # noqa: BLE001 - one student's failure is recorded, the run goes on
            savepoint.rollback()
            ctx.catalogue.forget_created()
            ctx.students.pop(snapshot.student_number, None)
            log.warning("Sync of student %s failed: %s", snapshot.student_number, exc)
            return exc
        run = self.run
        if outcome.kind == CREATED:
            run.created += 1
        elif outcome.kind == UPDATED:
            run.updated += 1
        else:
            run.unchanged += 1
        run.cancelled += outcome.cancelled
        run.contracts_updated += outcome.contracts_updated
        return None

    # --- bookkeeping

    def record(self, number, error, prefix=""):
        code = getattr(error, "code", None) or type(error).__name__
        message = prefix + (getattr(error, "message", None) or str(error))
        error = SyncError(student_number=number, code=str(code)[:120], message=message)
        self.first_error = self.first_error or error
        self.errors.append(error)

    def checkpoint(self, force_book=False):
        """Commit the work done so far, then the run's counters (a dry run commits nothing until
        its end: its one transaction is rolled back)."""
        if self.options.dry_run:
            if not force_book:
                return
            self.work.flush()
            return
        self.work.commit()
        self._save_run()

    def _save_run(self):
        run = self.run
        run.heartbeat_at = utcnow()
        for error in self.errors:
            if self.errors_kept < self.max_errors:
                run.errors.append(error)
                self.errors_kept += 1
        self.errors = []
        self.book.commit()

    def finish(self, status, reason=None):
        run = self.run
        if self.options.dry_run or status == FAILED:
            self.work.rollback()
        else:
            self.work.commit()
        run.status = status
        run.reason = reason
        run.finished_at = utcnow()
        run.summary = summarise(run, status)
        if self.first_error is not None and status != FAILED:
            first = self.first_error
            run.summary += f" First error: {first.student_number or ''} {first.code}.".replace("  ", " ")
        try:
            self._save_run()
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            self.book.rollback()
            log.exception("Sync #%s: its record could not be saved", run.id)


def summarise(run, status):
    prefix = "Dry run, nothing saved. " if run.dry_run else ""
    if status == FAILED:
        done = f" {run.processed} of {run.total} students processed before it stopped." if run.total else ""
        return f"{prefix}Failed.{done}"
    nothing = not (run.created or run.updated or run.cancelled or run.contracts_updated
                   or run.programmes_changed or run.faculties_changed or run.failed)
    if nothing:
        return f"{prefix}No change: {run.total} students checked, all already up to date."
    parts = [f"{run.total} students: {run.created} created, {run.updated} updated, "
             f"{run.unchanged} unchanged, {run.failed} failed"]
    if run.cancelled:
        parts.append(f"{run.cancelled} registrations marked cancelled")
    if run.contracts_updated:
        parts.append(f"{run.contracts_updated} contracts' double inscription updated")
    if run.programmes_changed or run.faculties_changed:
        parts.append(f"{run.programmes_changed} programmes and {run.faculties_changed} faculties changed")
    return prefix + "; ".join(parts) + "."
