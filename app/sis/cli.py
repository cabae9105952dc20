"""Commands: ``sync`` and ``sync-demo`` (the simulator's own command lives in ``simulators/``).

Each ends with one line; errors exit non-zero with one line, never a traceback."""
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from app import academic_year
from app.cli import require_schema


def _progress():
    """A progress callback drawing a bar once the number of students is known."""
    state = {"bar": None}

    def update(done, total):
        bar = state["bar"]
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label="Students", file=sys.stderr,
                                                   show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    def close():
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return update, close


@click.command("sync")
@click.option("--year", type=int, help="Academic year (2026 = 2026-2027); the current one by default.")
@click.option("--programme", help="Only this programme: its step code (L1MATH) or step-version (L1MATH-101).")
@click.option("--dry-run", is_flag=True, help="Fetch and compare, but save nothing.")
@with_appcontext
def sync_command(year, programme, dry_run):
    """Sync faculties, programmes, students and registrations from Apogée."""
    from app.sis.models import FAILED, PARTIAL
    from app.sis.sync import SyncOptions, SyncRefused, run_sync

    if year is not None and not academic_year.is_academic_year(year):
        raise click.ClickException(f"--year {year} is not {academic_year.REASON}.")
    update, close = _progress()
    try:
        require_schema()
        run = run_sync(SyncOptions(year=year, programme=programme, dry_run=dry_run, trigger="cli", started_by="cli"),
                       on_progress=update)
    except SyncRefused as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:  # the database cannot be reached (before the run could start)
        raise click.ClickException(f"The database cannot be used: {_first_line(exc)}") from None
    finally:
        close()
    if run.status == FAILED:
        raise click.ClickException(f"Sync #{run.id} failed: {run.reason}")
    if run.status == PARTIAL:
        raise click.ClickException(f"Sync #{run.id} partial: {run.summary}")
    click.echo(f"Sync #{run.id} ok: {run.summary}")


def _first_line(exc):
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]


@click.command("sync-demo")
@click.option("--wait", default=30.0, show_default=True, type=float, help="Seconds to wait for the system to answer.")
@with_appcontext
def sync_demo_command(wait):
    """Load the demo university through the configured system, Apogée or Pégase (its simulator
    started with --demo), then the demo accounts, assignments and contracts."""
    from app.sis.demo import load_demo_through_sis
    from app.sis.service import system_name

    require_schema()
    current_app.appbuilder.sm.ensure_roles()
    accounts = load_demo_through_sis(wait)
    click.echo(f"Demo loaded through {system_name()}. Accounts (password 'demo'): " + ", ".join(accounts))


def init_app(app):
    for command in (sync_command, sync_demo_command):
        app.cli.add_command(command)
