"""Command-line commands of the core: ``flask --app run seed [--demo]``.

Other packages add theirs in their own ``init_app``. Every command prints one clear line and
exits non-zero on bad input, never a traceback.
"""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect

from app.extensions import db


def require_schema(table="contract"):
    """Stop with one line when the database has not been migrated (up to the migration that made
    ``table``): every command that reads the database starts with it."""
    if table not in inspect(db.engine).get_table_names():
        raise click.ClickException("The database is not up to date: run 'flask --app run db upgrade' first.")


@click.command("seed")
@with_appcontext
@click.option("--demo", is_flag=True, help="Also load the demo university and the demo accounts (password 'demo').")
def seed_command(demo):
    """Load the reference catalogue (idempotent); with --demo, the demo university too."""
    from seeds.catalogue import load_reference
    from seeds.demo import load_demo

    require_schema()
    current_app.appbuilder.sm.ensure_roles()
    if demo:
        accounts = load_demo()
        click.echo("Demo loaded. Accounts (password 'demo'): " + ", ".join(accounts))
    else:
        added = load_reference()
        click.echo(f"Reference catalogue loaded ({added} rows added).")


def init_app(app):
    app.cli.add_command(seed_command)
