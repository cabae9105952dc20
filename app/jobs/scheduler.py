"""The scheduler process: runs every registered job on its cron, in one process, under the lock.

``run_forever`` waits for the lock, starts an APScheduler BackgroundScheduler with the enabled jobs,
renews the lease while it runs, and stops its jobs as soon as the lease is lost or the process is
asked to stop. A job also checks the lease just before it runs.
"""
import logging
import threading
import traceback

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.extensions import db
from app.jobs.lease import Lease
from app.jobs.models import JobState
from app.jobs.registry import registered_jobs
from app.people.models import utcnow

log = logging.getLogger(__name__)

DISABLED = {"", "off", "none", "disabled", "-"}


class CronError(ValueError):
    pass


def trigger_for(expression, timezone):
    """A CronTrigger from five fields (minute hour day month weekday) or six (seconds first)."""
    fields = (expression or "").split()
    try:
        if len(fields) == 5:
            return CronTrigger.from_crontab(" ".join(fields), timezone=timezone)
        if len(fields) == 6:
            second, minute, hour, day, month, weekday = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=weekday, timezone=timezone)
    except ValueError as exc:
        raise CronError(f"{expression!r} is not a valid cron expression: {exc}") from None
    raise CronError(f"{expression!r} is not a cron expression: give five fields, e.g. '0 3 * * *'")


def cron_of(app, job):
    """The job's cron expression, or None when its setting is empty or "off"."""
    value = app.config.get(job.cron_setting)
    value = "" if value is None else str(value).strip()
    return None if value.lower() in DISABLED else value


def enabled_jobs(app):
    """[(job, trigger)] of the jobs to schedule; raises CronError naming the setting at fault."""
    timezone = app.config["SCHEDULER_TIMEZONE"]
    enabled = []
    for job in sorted(registered_jobs(), key=lambda j: j.id):
        expression = cron_of(app, job)
        if expression is None:
            continue
        try:
            enabled.append((job, trigger_for(expression, timezone)))
        except CronError as exc:
            raise CronError(f"{job.cron_setting}: {exc}") from None
    return enabled


def run_job(app, job, lease=None):
    """Run one job now and record its outcome; skipped when a lease is given and no longer ours."""
    holder = lease.holder if lease else "manual"
    with app.app_context():
        if lease is not None and not lease.is_held():
            log.warning("job %s skipped: this scheduler no longer holds the lock", job.id)
            return False
        _record(job.id, holder=holder, started_at=utcnow(), finished_at=None, ok=None, error=None)
    ok, error = True, None
    try:
        job.func(app)
    except Exception:  # a failing job must not stop the scheduler; the error is kept for `flask jobs`
        ok, error = False, traceback.format_exc(limit=5)
        log.exception("job %s failed", job.id)
    with app.app_context():
        _record(job.id, finished_at=utcnow(), ok=ok, error=error)
    return ok


def _record(job_id, **values):
    try:
        with db.engine.begin() as conn:
            if conn.execute(update(JobState).where(JobState.job_id == job_id).values(**values)).rowcount == 0:
                conn.execute(insert(JobState).values(job_id=job_id, **values))
    except (IntegrityError, SQLAlchemyError):
        log.exception("could not record the state of job %s", job_id)


def run_forever(app, stop, echo=print):
    """Wait for the lock, run the jobs while holding it; return when ``stop`` is set."""
    with app.app_context():
        jobs = enabled_jobs(app)
        ttl = app.config["SCHEDULER_LOCK_TTL"]
    lease = Lease(ttl)
    beat = max(ttl / 4, 0.2)
    waiting_for = object()
    while not stop.is_set():
        with app.app_context():
            try:
                acquired = lease.acquire()
                holder = None if acquired else lease.current()
            except SQLAlchemyError as exc:
                acquired, holder = False, f"unknown (database error: {exc.__class__.__name__})"
        if not acquired:
            if holder != waiting_for:
                echo(f"Scheduler {lease.holder} waiting: the lock is held by {holder or 'a scheduler that just stopped'}.")
                waiting_for = holder
            stop.wait(beat)
            continue
        echo(f"Scheduler {lease.holder} holds the lock and runs {len(jobs)} job(s): "
             + (", ".join(job.id for job, _ in jobs) or "none"))
        waiting_for = object()
        _hold(app, jobs, lease, stop, beat, ttl, echo)
    echo(f"Scheduler {lease.holder} stopped.")


def _hold(app, jobs, lease, stop, beat, ttl, echo):
    scheduler = BackgroundScheduler(
        timezone=app.config["SCHEDULER_TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for job, trigger in jobs:
        scheduler.add_job(run_job, trigger, args=[app, job, lease], id=job.id, name=job.description)
    scheduler.start()
    last_renewal = utcnow()
    try:
        while not stop.wait(beat):
            with app.app_context():
                try:
                    if not lease.renew():
                        echo(f"Scheduler {lease.holder} lost the lock: its jobs stop.")
                        return
                    last_renewal = utcnow()
                except SQLAlchemyError:
                    log.exception("could not renew the scheduler lock")
                    if (utcnow() - last_renewal).total_seconds() > ttl * 0.75:
                        echo(f"Scheduler {lease.holder} could not renew the lock in time: its jobs stop.")
                        return
    finally:
        scheduler.shutdown(wait=True)
        with app.app_context():
            try:
                lease.release()
            except SQLAlchemyError:
                log.exception("could not release the scheduler lock")


def stop_event():
    return threading.Event()
