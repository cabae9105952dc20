"""``flask --app run retention [--dry-run]``: anonymise contracts past their retention period."""
import click
from flask.cli import with_appcontext

from app.cli import require_schema
from app.privacy import retention


def describe(due):
    """One line: which contract, what is emptied, what is cut."""
    texts = ", ".join(name.replace("_", " ") for name in due.texts) or "no free text"
    reasons = f"; {due.reasons} reason(s) in its history" if due.reasons else ""
    return (f"contract {due.id} ({due.year}-{due.year + 1}, {due.programme}, student {due.student_number}): "
            f"empties {texts}{reasons}; moves it and its registration to a placeholder student and cuts the "
            "links to the signer, the commenter and the history's actors")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
@with_appcontext
def retention_command(dry_run):
    """Anonymise the contracts past their retention period and delete read-log lines past theirs."""
    require_schema()
    result, run = retention.run_retention("command", dry_run=dry_run)
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"Contracts are kept in full {result.retention_years} year(s) after their academic year: "
               f"those of {result.last_year}-{result.last_year + 1} and before are anonymised.")
    for due in result.contracts:
        click.echo(f"{verb} {describe(due)}.")
    reads_verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{reads_verb} {result.reads} read-log line(s) older than {result.reads_before:%Y-%m-%d %H:%M} UTC.")
    if dry_run:
        click.echo(f"Dry run: {len(result.contracts)} contract(s) would be anonymised; nothing was changed.")
    else:
        click.echo(f"Done: {run.contracts_anonymised} contract(s) anonymised, {run.reads_deleted} read-log "
                   f"line(s) deleted (retention run {run.id}).")


def init_app(app):
    app.cli.add_command(retention_command)
