"""The sync: faculties, the offer of the configured diploma types, then each student of it.

Each student is its own unit of work: one failure does not stop the others, and no student is ever
half written. Students are asked several at a time and handled as their answers arrive (a hung call
delays only its student); their answers are written a group at a time (one savepoint, one flush: a
flush per student cost more than everything else the sync does), and a group that fails is written
again one student at a time, each in its own savepoint, so that only the faulty student fails. Work
is committed in batches, so a run that dies midway leaves every student either as the previous run
left them or fully updated. The steps that
the whole run depends on (faculties, offer, lists) are retried on transient failures. Every run is
recorded and kept alive by a heartbeat (``runs.py``); two runs never overlap.
"""
import logging
import time

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from app.catalog.models import Settings
from app.people.models import Programme, Registration, Student, utcnow
from app.sis.interface import SisError
from app.sis.models import FAILED, OK, PARTIAL, SyncRun
from app.sis.pipeline import unordered_map
from app.sis.runs import (
    Counts,
    Heartbeat,
    RunBook,
    SyncOptions,
    SyncRefused,
    Ticket,
    claim_requested,
    open_run,
    run_engine,
)
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

# What callers use: a run's options in, its record out (SyncRefused when another run is alive).
__all__ = ["SyncOptions", "SyncRefused", "execute_run", "run_requested", "run_sync"]

log = logging.getLogger(__name__)
# The database itself failing (connection lost, server restarting, locked), not one student's data.
DATABASE_FAILURES = (OperationalError, InterfaceError)
GROUP_SIZE = 50  # students written by one flush (at most the commit batch)


class SyncAborted(Exception):
    """The run cannot go on; the message is the reason shown to users."""


def run_sync(options, sis=None, on_progress=None, app=None):
    """Open a run and execute it here; returns the finished run (a SyncRun not bound to a session)."""
    return execute_run(open_run(options, app), sis, on_progress, app)


def run_requested(app):
    """Start the oldest run requested from the page, if any and no other run is alive (the
    scheduler's job); the finished run or None."""
    with app.app_context():
        ticket = claim_requested(app)
        if ticket is None:
            return None
        return execute_run(ticket, app=app)


def execute_run(ticket: Ticket, sis=None, on_progress=None, app=None):
    app = app or current_app._get_current_object()
    config = app.config
    engine, disposable = run_engine()
    book = RunBook(engine, ticket.id, config["SYNC_MAX_ERRORS"])
    work = sessionmaker(bind=engine, expire_on_commit=False)()
    sync = _Sync(app, book, work, ticket, on_progress)
    try:
        with Heartbeat(book, config["SYNC_HEARTBEAT_SECONDS"]):
            sync.execute(sis or get_sis(app))
    except (SyncAborted, SisError) as exc:
        sync.finish(FAILED, reason=str(exc))
    except SQLAlchemyError as exc:
        log.error("Sync #%s stopped: the database failed: %s", ticket.id, _first_line(exc))
        sync.finish(FAILED, reason=f"The database failed during the run: {_first_line(exc)}")
    except BaseException as exc:
        interrupted = isinstance(exc, (KeyboardInterrupt, SystemExit))
        if not interrupted:
            log.error("Sync #%s stopped: %s: %s", ticket.id, type(exc).__name__, exc, exc_info=True)
        sync.finish(FAILED, reason="Interrupted." if interrupted else f"{type(exc).__name__}: {exc}")
        if not isinstance(exc, Exception):
            raise
    finally:
        work.close()
        if disposable:
            engine.dispose()
    return sync.result()


def find_programme(offer, code):
    code = (code or "").strip().upper()
    step, _, version = code.partition("-")
    return [p for p in offer if p.step_code.upper() == step and (not version or p.step_version.upper() == version)]


class _Sync:
    def __init__(self, app, book, work, ticket, on_progress):
        config = app.config
        self.book, self.work, self.ticket = book, work, ticket
        self.options, self.year = ticket.options, ticket.year
        self.counts = Counts()
        self.on_progress = on_progress or (lambda done, total: None)
        self.errors = []  # not yet written
        self.first_error = None
        self.step_errors = 0
        self.status, self.reason, self.summary = None, None, ""
        self.batch_size = config["SYNC_BATCH_SIZE"]
        self.batch_seconds = config["SYNC_BATCH_SECONDS"]
        self.idle_seconds = config["SYNC_IDLE_COMMIT_SECONDS"]
        self.step_retries = config["SYNC_STEP_RETRIES"]
        self.step_backoff = config["SYNC_STEP_BACKOFF"]
        self.end_wait = config["SYNC_END_WAIT_SECONDS"]

    # --- the steps

    def execute(self, sis):
        work, counts, year = self.work, self.counts, self.year
        types = self.diploma_types()
        faculties = self.patiently(sis.faculties, "faculties")
        selected = self.selected(sis, self.patiently(lambda: sis.programmes(year, types), "offer"), types)
        catalogue = Catalogue(work)
        counts.faculties_changed = apply_faculties(catalogue, faculties)
        counts.programmes_changed = apply_programmes(catalogue, selected, types, complete=not self.options.programme)
        self.checkpoint()

        numbers = self.students_to_sync(sis, selected)
        counts.total = len(numbers)
        self.checkpoint(force_book=True)
        self.apply_students(sis, StudentContext(work, catalogue, year, numbers=numbers))
        if counts.total and counts.failed == counts.total:
            first = self.first_error["message"] if self.first_error else ""
            self.finish(FAILED, reason=f"Every student failed. First error: {first}")
        else:
            self.finish(PARTIAL if counts.failed or self.step_errors else OK)

    def diploma_types(self):
        settings = self.work.get(Settings, 1)
        if settings is None:
            raise SyncAborted("The settings are missing: run 'flask --app run seed' first.")
        types = settings.diploma_type_list
        self.work.rollback()  # hold no transaction (no SQLite lock) while the system is asked
        if not types:
            raise SyncAborted("No diploma type is set in the settings (Settings → Diploma types): nothing to sync.")
        return types

    def selected(self, sis, offer, types):
        """The programmes of the offer this run syncs (one, when the options say so)."""
        kinds, year, wanted = ", ".join(types), self.year, self.options.programme
        if not offer:
            raise SyncAborted(f"{sis.name}'s offer for {year} has no programme of the diploma types {kinds}.")
        if not wanted:
            return offer
        found = find_programme(offer, wanted)
        if not found:
            raise SyncAborted(f"Programme {wanted} is not in {sis.name}'s offer for {year} (diploma types {kinds}).")
        return found

    def patiently(self, call, what):
        """``call()``, asked again with a growing delay while the system's failure is transient:
        the steps the whole run depends on are worth waiting for."""
        for attempt in range(self.step_retries + 1):
            try:
                return call()
            except SisError as exc:
                if not exc.transient or attempt == self.step_retries:
                    raise
                delay = self.step_backoff * (2 ** attempt)
                log.warning("Sync #%s: %s failed (%s); again in %.0f s", self.ticket.id, what, exc.code, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")

    def students_to_sync(self, sis, programmes):
        """Students listed by the system in these programmes, plus those we hold there (to notice
        the registrations the system no longer lists)."""
        year, numbers = self.year, set()
        listings = unordered_map(lambda p: self.patiently(lambda: sis.students_of(p, year), p.key), programmes,
                                 sis.concurrency)
        for programme, listing, error in listings:
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

    def apply_students(self, sis, ctx):
        year = self.year
        self.ctx, self.last, self.done, self.group = ctx, time.monotonic(), [], []
        group_size = max(1, min(GROUP_SIZE, self.batch_size))
        answers = unordered_map(lambda pair: sis.student(pair[1], year), enumerate(ctx.numbers), sis.concurrency,
                                on_wait=self.idle)
        for (index, number), snapshot, error in answers:
            ctx.reach(index)
            if error is None:
                self.group.append(snapshot)
                if len(self.group) >= group_size:
                    self.write_group()
            else:
                self.failed(number, error)
            if len(self.done) >= self.batch_size or time.monotonic() - self.last >= self.batch_seconds:
                self.commit_batch()
        self.write_group()
        self.checkpoint()

    def commit_batch(self):
        self.write_group()
        self.checkpoint()
        self.ctx.release(self.done)
        self.done, self.last = [], time.monotonic()

    def idle(self):
        """The system is slower than the database: write and commit what is done rather than hold
        it (and, on SQLite, the write lock) while waiting."""
        if (self.done or self.group) and time.monotonic() - self.last >= self.idle_seconds:
            self.commit_batch()

    def write_group(self):
        """Write the students waiting in the group: together, else (one failed) one at a time."""
        group, self.group = self.group, []
        outcomes = self._write_together(group) if len(group) > 1 else None
        for snapshot, outcome in zip(group, outcomes or [None] * len(group)):
            if outcome is None:
                outcome = self.apply_one(self.ctx, snapshot)
            if isinstance(outcome, Exception):
                self.failed(snapshot.student_number, outcome)
            else:
                self.succeeded(snapshot.student_number, outcome)

    def _write_together(self, group):
        """The group's outcomes after one flush in one savepoint; None when a student failed (the
        group is undone: it is then written one student at a time)."""
        ctx = self.ctx
        ctx.catalogue.mark()
        known = {s.student_number for s in group if s.student_number in ctx.students}
        savepoint = self.work.begin_nested()
        try:
            outcomes = [apply_student(ctx, snapshot) for snapshot in group]
            self.work.flush()
            savepoint.commit()
            return outcomes
        except DATABASE_FAILURES:
            raise  # the database itself failed: the run stops
        except Exception:  # noqa: BLE001 - the faulty student is found by writing them one by one
            savepoint.rollback()
            ctx.catalogue.forget_created()
            for snapshot in group:  # students created in the group are gone with it
                if snapshot.student_number not in known:
                    ctx.students.pop(snapshot.student_number, None)
            return None

    def apply_one(self, ctx, snapshot):
        """One student in its own savepoint; the outcome, or the error."""
        ctx.catalogue.mark()
        savepoint = self.work.begin_nested()
        try:
            outcome = apply_student(ctx, snapshot)
            self.work.flush()
            savepoint.commit()
        except DATABASE_FAILURES:
            raise  # the database itself failed: the run stops
        except Exception as exc:  # noqa: BLE001 - one student's failure is recorded, the run goes on
            return self._undo(ctx, snapshot, savepoint, exc)
        return outcome

    def succeeded(self, number, outcome):
        counts = self.counts
        if outcome.kind == CREATED:
            counts.created += 1
        elif outcome.kind == UPDATED:
            counts.updated += 1
        else:
            counts.unchanged += 1
        counts.cancelled += outcome.cancelled
        counts.contracts_updated += outcome.contracts_updated
        self.processed(number)

    def failed(self, number, error):
        self.counts.failed += 1
        self.record(number, error)
        self.processed(number)

    def processed(self, number):
        self.counts.processed += 1
        self.done.append(number)
        self.on_progress(self.counts.processed, self.counts.total)

    def _undo(self, ctx, snapshot, savepoint, exc):
        savepoint.rollback()
        ctx.catalogue.forget_created()
        ctx.students.pop(snapshot.student_number, None)
        log.warning("Sync of student %s failed: %s", snapshot.student_number, exc)
        return exc

    # --- bookkeeping

    def record(self, number, error, prefix=""):
        code = getattr(error, "code", None) or type(error).__name__
        message = prefix + (getattr(error, "message", None) or str(error))
        error = dict(student_number=number, code=str(code)[:120], message=message)
        self.first_error = self.first_error or error
        self.errors.append(error)

    def checkpoint(self, force_book=False):
        """Commit the work done so far, then the run's counters (a dry run commits nothing until
        its end: its one transaction is rolled back)."""
        if self.options.dry_run:  # nothing is saved before the end: its one transaction holds SQLite
            if force_book:
                self.work.flush()
            return
        self.work.commit()
        self.book.save(self.counts, self.errors)
        self.errors = []

    def finish(self, status, reason=None):
        if self.status is not None:
            return  # already finished (a failure while recording a success)
        try:
            if self.options.dry_run or status == FAILED:
                self.work.rollback()
            else:
                self.work.commit()
        except SQLAlchemyError as exc:  # the database failed at the very end
            status, reason = FAILED, reason or f"The database failed during the run: {_first_line(exc)}"
            self._forget_work()
        self.status, self.reason = status, reason
        self.summary = summarise(self.counts, status, self.options.dry_run)
        first = self.first_error
        if first is not None and status != FAILED:
            self.summary += f" First error: {first['student_number'] or ''} {first['code']}.".replace("  ", " ")
        self.book.save_end(self.counts, self.errors, self.end_wait, status=status, reason=reason,
                           summary=self.summary, finished_at=utcnow())
        self.errors = []

    def _forget_work(self):
        try:
            self.work.rollback()
        except SQLAlchemyError:
            self.work.invalidate()

    def result(self):
        """The run as it ended, built from what this process knows (the database may be away)."""
        options = self.options
        return SyncRun(id=self.ticket.id, year=self.year, programme=options.programme, dry_run=options.dry_run,
                       trigger=options.trigger, started_by=options.started_by, status=self.status,
                       reason=self.reason, summary=self.summary, **self.counts.values())


def _first_line(exc):
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def summarise(counts, status, dry_run):
    prefix = "Dry run, nothing saved. " if dry_run else ""
    if status == FAILED:
        done = f" {counts.processed} of {counts.total} students processed before it stopped." if counts.total else ""
        return f"{prefix}Failed.{done}"
    others = _other_changes(counts)
    if not (others or counts.created or counts.updated or counts.failed):
        return f"{prefix}No change: {counts.total} students checked, all already up to date."
    head = (f"{counts.total} students: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.failed} failed")
    return prefix + "; ".join([head] + others) + "."


def _other_changes(counts):
    """What a run changed besides the students themselves, in words."""
    parts = []
    if counts.cancelled:
        parts.append(f"{counts.cancelled} registrations marked cancelled")
    if counts.contracts_updated:
        parts.append(f"{counts.contracts_updated} contracts' double inscription updated")
    if counts.programmes_changed or counts.faculties_changed:
        parts.append(f"{counts.programmes_changed} programmes and {counts.faculties_changed} faculties changed")
    return parts
