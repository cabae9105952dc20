"""``flask --app run scheduler`` (the one scheduler process) and ``flask --app run jobs`` (what runs when)."""
import signal
from datetime import datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.cli import require_schema
from app.extensions import db
from app.jobs import scheduler as S
from app.jobs.lease import Lease
from app.jobs.models import JobState
from app.jobs.registry import registered_jobs


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduled jobs in this process (one scheduler runs at a time; others wait)."""
    app = current_app._get_current_object()
    require_schema("scheduler_lock")
    try:
        S.enabled_jobs(app)
    except S.CronError as exc:
        raise click.ClickException(str(exc)) from None
    stop = S.stop_event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    S.run_forever(app, stop, echo=lambda line: click.echo(line))


@click.command("jobs")
@click.option("--run", "run_id", metavar="JOB_ID", help="Run this job once now, in this process.")
@with_appcontext
def jobs_command(run_id):
    """List the scheduled jobs with their next run time, or run one now with --run."""
    app = current_app._get_current_object()
    require_schema("scheduler_lock")
    jobs = {job.id: job for job in registered_jobs()}
    if run_id is not None:
        _run_now(app, jobs, run_id)
        return
    timezone = app.config["SCHEDULER_TIMEZONE"]
    states = {s.job_id: s for s in db.session.scalars(select(JobState)).all()}
    now = datetime.now().astimezone()
    for job in sorted(jobs.values(), key=lambda j: j.id):
        when = _next_run(app, job, timezone, now)
        click.echo(f"{job.id:<20} {when}  {job.description}{_last_run(states.get(job.id), timezone)}")
    try:
        holder = Lease(app.config["SCHEDULER_LOCK_TTL"]).current()
    except SQLAlchemyError:
        holder = None
    click.echo(f"Scheduler: {'running as ' + holder if holder else 'not running'}.")


def _run_now(app, jobs, run_id):
    job = jobs.get(run_id)
    if job is None:
        raise click.ClickException(f"Unknown job {run_id!r}; known jobs: {', '.join(sorted(jobs)) or 'none'}.")
    if not S.run_job(app, job):
        raise click.ClickException(f"Job {run_id} failed: see 'flask --app run jobs' for the error.")
    click.echo(f"Job {run_id} done.")


def _next_run(app, job, timezone, now):
    """When the job runs next, as the listing says it: disabled, next date, or an invalid setting."""
    expression = S.cron_of(app, job)
    if expression is None:
        return f"disabled ({job.cron_setting} is empty)"
    try:
        next_run = S.trigger_for(expression, timezone).get_next_fire_time(None, now)
    except S.CronError as exc:
        return f"INVALID {job.cron_setting}: {exc}"
    return f"next {next_run:%Y-%m-%d %H:%M %Z}  ({job.cron_setting}={expression})"


def _last_run(state, timezone):
    if state is None or state.started_at is None:
        return ""
    started = state.started_at.replace(tzinfo=dt_timezone.utc).astimezone(ZoneInfo(timezone))
    if state.finished_at is None or state.ok is None:
        return f"  [running since {started:%Y-%m-%d %H:%M %Z}]"
    lines = (state.error or "").strip().splitlines()
    outcome = "ok" if state.ok else "FAILED: " + (lines[-1][:200] if lines else "no error recorded")
    return f"  [last run {started:%Y-%m-%d %H:%M %Z}: {outcome}]"


def init_app(app):
    app.cli.add_command(scheduler_command)
    app.cli.add_command(jobs_command)
