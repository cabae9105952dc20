"""``flask --app run outbox list|retry|send``: the outbox from the command line."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli import require_schema
from app.extensions import db
from app.notify import outbox
from app.notify.models import MESSAGE_STATUSES, OutboxMessage


@click.group("outbox", cls=AppGroup)
def outbox_group():
    """The e-mail outbox: list messages, queue failed ones again, send what is due now."""


@outbox_group.command("list")
@click.option("--status", type=click.Choice(MESSAGE_STATUSES), help="Only messages in this status.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
def list_command(status, limit):
    """The latest messages, newest first, with their last error."""
    require_schema("outbox_message")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = db.session.scalars(query).all()
    for m in rows:
        error = f"  ! {m.last_error.splitlines()[0][:120]}" if m.last_error and m.status != "sent" else ""
        click.echo(f"#{m.id:<6} {m.status:<8} {m.attempts:>2} tries  {m.created_at:%Y-%m-%d %H:%M}  "
                   f"{m.kind:<20} {m.to_address:<35} {m.subject[:60]}{error}")
    click.echo(f"{len(rows)} message(s).")


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="Queue every failed message again.")
def retry_command(ids, all_failed):
    """Queue messages again (by id, or every failed one with --failed)."""
    require_schema("outbox_message")
    if not ids and not all_failed:
        raise click.ClickException("Give message ids, or --failed to queue every failed message again.")
    if ids:
        known = set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.id.in_(ids))).all())
        unknown = sorted(set(ids) - known)
        if unknown:
            raise click.ClickException(f"Unknown message id(s): {', '.join(map(str, unknown))}.")
    count = outbox.requeue(list(ids) if ids else None, failed=all_failed and not ids)
    click.echo(f"{count} message(s) queued again.")


@outbox_group.command("send")
def send_command():
    """Send the messages that are due now (the scheduler does this every minute)."""
    require_schema("outbox_message")
    report = outbox.send_due()
    click.echo(f"Outbox: {report}.")
    if report.error:
        raise SystemExit(1)


def init_app(app):
    app.cli.add_command(outbox_group)
