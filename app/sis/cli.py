"""Commands: ``sync``, ``apogee-simulator`` and ``sync-demo``. Each ends with one line; errors
exit non-zero with one line, never a traceback."""
import socket
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

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

    require_schema()
    if year is not None and not 1900 < year < 3000:
        raise click.ClickException(f"--year {year} is not an academic year (e.g. 2026 for 2026-2027).")
    update, close = _progress()
    try:
        run = run_sync(SyncOptions(year=year, programme=programme, dry_run=dry_run, trigger="cli", started_by="cli"),
                       on_progress=update)
    except SyncRefused as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        close()
    if run.status == FAILED:
        raise click.ClickException(f"Sync #{run.id} failed: {run.reason}")
    if run.status == PARTIAL:
        raise click.ClickException(f"Sync #{run.id} partial: {run.summary}")
    click.echo(f"Sync #{run.id} ok: {run.summary}")


@click.command("apogee-simulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8089, show_default=True, type=int)
@click.option("--students", default=1000, show_default=True, type=int, help="Size of the generated university.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--year", type=int, help="Academic year of the data; the current one by default.")
@click.option("--demo", is_flag=True, help="Serve the demo university of seeds/demo.py instead.")
@click.option("--user", default="", help="Require HTTP Basic auth with this user…")
@click.option("--password", default="", help="…and this password.")
@click.option("--latency", default=0.0, type=float, help="Seconds added to every SOAP call.")
@click.option("--fault-rate", default=0.0, type=float, help="Share of calls answering technical.data.transaction.connexion.")
@click.option("--timeout-rate", default=0.0, type=float, help="Share of calls that hang (see --hang).")
@click.option("--hang", default=30.0, type=float, help="Seconds a hanging call waits before answering.")
def simulator_command(host, port, students, seed, year, demo, user, password, latency, fault_rate, timeout_rate, hang):
    """Serve a simulated Apogée (SOAP over HTTP) for tests, the demo and benchmarks."""
    from app.sis.simulator import Behaviour, Simulator, demo_dataset, generate

    if students < 0:
        raise click.ClickException("--students must be zero or more.")
    for name, rate in (("--fault-rate", fault_rate), ("--timeout-rate", timeout_rate)):
        if not 0 <= rate <= 1:
            raise click.ClickException(f"{name} must be between 0 and 1.")
    dataset = demo_dataset(year) if demo else generate(students, seed=seed, year=year)
    behaviour = Behaviour(latency=latency, fault_rate=fault_rate, timeout_rate=timeout_rate, hang_seconds=hang, seed=seed)
    simulator = Simulator(dataset, user=user or None, password=password, behaviour=behaviour)
    _check_free(host, port)  # werkzeug would print its own lines and exit
    server = simulator.serve(host, port)
    what = "the demo university" if demo else f"{students} students (seed {seed})"
    click.echo(f"Apogée simulator: {what}, year {dataset.year}, at http://{host}:{server.port}/services/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _check_free(host, port):
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        probe.close()


@click.command("sync-demo")
@click.option("--wait", default=30.0, show_default=True, type=float, help="Seconds to wait for Apogée to answer.")
@with_appcontext
def sync_demo_command(wait):
    """Load the demo university through Apogée (the simulator started with --demo), then the demo
    accounts, assignments and contracts."""
    from app.sis.demo import load_demo_through_sis

    require_schema()
    current_app.appbuilder.sm.ensure_roles()
    accounts = load_demo_through_sis(wait)
    click.echo("Demo loaded through Apogée. Accounts (password 'demo'): " + ", ".join(accounts))


def init_app(app):
    for command in (sync_command, simulator_command, sync_demo_command):
        app.cli.add_command(command)
