"""The demo university loaded the way a real one is: from Apogée or Pégase (their simulators), through
the sync."""
import time

import click

from app.sis.interface import SisError, SisNotConfigured
from app.sis.models import OK
from app.sis.service import get_sis
from app.sis.sync import SyncOptions, run_sync


def wait_until_up(sis, seconds):
    """Wait for a just-started system (a simulator) to answer; raise the last error after that."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            sis.faculties()
            return
        except SisError as exc:
            if exc.code not in ("transport", "timeout") or time.monotonic() > deadline:
                raise click.ClickException(str(exc)) from None
            time.sleep(0.3)


def load_demo_through_sis(wait=30.0):
    """Sync last year and this year from the configured system, then load the demo accounts and contracts."""
    from seeds.catalogue import academic_year, load_reference
    from seeds.demo import load_demo

    load_reference(institution_name="Université de démonstration")
    try:
        sis = get_sis()
    except SisNotConfigured as exc:  # SIS=<unknown>
        raise click.ClickException(exc.message) from None
    wait_until_up(sis, wait)
    year = academic_year()
    for synced_year in (year - 1, year):
        run = run_sync(SyncOptions(year=synced_year, trigger="cli", started_by="demo"), sis=sis)
        if run.status != OK:
            raise click.ClickException(f"Sync #{run.id} of {synced_year} {run.status}: {run.reason or run.summary}")
        click.echo(f"Sync #{run.id} ({synced_year}-{synced_year + 1}): {run.summary}")
    return load_demo()
