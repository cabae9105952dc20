"""``flask --app run service-account …``: the API's machine clients from the command line.

Same rules as the administrators' page (``app.api.accounts``); every mistake prints one line and
exits non-zero.
"""
from datetime import datetime, time

import click
from flask import current_app
from flask.cli import AppGroup

from app.api import accounts
from app.cli import require_schema

group = AppGroup("service-account", help="API service accounts and their keys.")


def _account(name):
    user = current_app.appbuilder.sm.find_user(username=name)
    account = accounts.service_account_of_user(user.id) if user else None
    if account is None:
        raise click.ClickException(f"No service account named {name!r}.")
    return account


@group.command("create")
@click.argument("name")
@click.option("--purpose", required=True, help="What the account is for (record of processing).")
@click.option("--faculty", "faculties", multiple=True, help="A faculty code it reads (repeat for several).")
@click.option("--all-faculties", is_flag=True, help="It reads the contracts of every faculty.")
@click.option("--health-needs", is_flag=True, help="It also reads health-related specific needs.")
def create(name, purpose, faculties, all_faculties, health_needs):
    """Create a service account (role ApiReader) with its scope."""
    require_schema()
    try:
        account = accounts.create_service_account(name, accounts.Scope(purpose, faculties, all_faculties, health_needs))
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Service account {account.user.username} created; issue it a key with 'service-account key'.")


@group.command("key")
@click.argument("name")
@click.option("--key-name", required=True, help="A name for the key, e.g. the host that uses it.")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day the key works (YYYY-MM-DD).")
def key(name, key_name, expires):
    """Issue a key to a service account and print it (it is never shown again)."""
    require_schema()
    expires_on = datetime.combine(expires.date(), time.max) if expires else None
    try:
        issued = accounts.issue_key(_account(name), key_name, expires_on)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(issued["key"])


@group.command("revoke")
@click.argument("key_uuid")
def revoke(key_uuid):
    """Revoke a key by its uuid (see 'service-account list')."""
    require_schema()
    if not accounts.revoke_key(key_uuid):
        raise click.ClickException(f"No service account key {key_uuid!r}.")
    click.echo(f"Key {key_uuid} revoked.")


@group.command("list")
def list_accounts():
    """The service accounts, their scope and their keys with their last use."""
    require_schema()
    for account in accounts.service_accounts():
        scope = "all faculties" if account.all_faculties else ", ".join(f.code for f in account.faculties)
        state = "" if account.user.active else " (deactivated)"
        health = ", health-related needs" if account.health_needs else ""
        click.echo(f"{account.user.username}{state}: {scope}{health} — {account.purpose}")
        for api_key in accounts.keys_of(account):
            status = "revoked" if api_key.revoked_on else ("active" if api_key.is_active else "expired")
            last = api_key.last_used_on.isoformat(" ", "seconds") if api_key.last_used_on else "never used"
            click.echo(f"  {api_key.uuid} {api_key.name} [{status}] last used: {last}")


def init_app(app):
    app.cli.add_command(group)
