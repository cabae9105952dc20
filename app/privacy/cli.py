"""``flask --app run retention [--dry-run]``: anonymise contracts and identities past their
retention period, delete log lines past theirs."""
import click
from flask.cli import with_appcontext

from app.cli import require_schema
from app.privacy import retention
from app.privacy.identities import EMPTIED, IDENTITY_PREFIX, UNLINKED
from app.privacy.logs import KINDS


def describe(due):
    """One line: which contract, what is emptied, what is cut."""
    texts = ", ".join(name.replace("_", " ") for name in due.texts) or "no free text"
    reasons = f"; {due.reasons} reason(s) in its history" if due.reasons else ""
    return (f"contract {due.id} ({due.year}-{due.year + 1}, {due.programme}, student {due.student_number}): "
            f"empties {texts}{reasons}; moves it and its registration to a placeholder student and cuts the "
            "links to the signer, the commenter and the history's actors")


def describe_identity(due):
    """One line: which student, what is emptied, what happens to their account."""
    last = (f"last registered {due.last_registered}-{due.last_registered + 1}" if due.last_registered is not None
            else "no registration")
    account = {EMPTIED: f"; empties and deactivates their account {due.login!r}",
               UNLINKED: f"; unlinks their account {due.login!r}, which holds a staff role"}.get(due.account, "")
    assignments = f"; removes {due.assignments} referent-teacher assignment(s)" if due.assignments else ""
    return (f"the identity of student {due.student_number} ({last}): empties their names, INE, birth date, "
            f"e-mail and directory login, numbers them {IDENTITY_PREFIX}{due.id}{account}{assignments}")


def _echo_people(result, run):
    dry_run = run is None
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"Students no longer registered are kept {result.identity_years} year(s) after their last "
               f"registration: those last registered in {result.identities_last_year}-"
               f"{result.identities_last_year + 1} or before, with no contract left, are anonymised.")
    for due in result.identities:
        click.echo(f"{verb} {describe_identity(due)}.")
    logs = result.logs if dry_run else {kind: getattr(run, f"{kind}_deleted") for kind in KINDS}
    click.echo(f"{'Would delete' if dry_run else 'Deleted'} {logs['impersonations']} impersonation session(s) "
               f"ended before {result.logs_before:%Y-%m-%d %H:%M} UTC with their "
               f"{logs['impersonation_requests']} request(s), {logs['notifications']} in-app notification(s) "
               f"and {logs['sync_errors']} sync error line(s) older than that.")
    click.echo(f"{verb} {len(result.identities)} student identit{'y' if len(result.identities) == 1 else 'ies'}.")


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
@with_appcontext
def retention_command(dry_run):
    """Anonymise the contracts and identities past their retention period; delete log lines past theirs."""
    require_schema()
    result, run = retention.run_retention("command", dry_run=dry_run)
    verb = "Would anonymise" if dry_run else "Anonymised"
    click.echo(f"Contracts are kept in full {result.retention_years} year(s) after their academic year: "
               f"those of {result.last_year}-{result.last_year + 1} and before are anonymised.")
    for due in result.contracts:
        click.echo(f"{verb} {describe(due)}.")
    reads_verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{reads_verb} {result.reads} read-log line(s) older than {result.reads_before:%Y-%m-%d %H:%M} UTC.")
    _echo_people(result, run)
    if dry_run:
        click.echo(f"Dry run: {len(result.contracts)} contract(s) would be anonymised; nothing was changed.")
    else:
        click.echo(f"Done: {run.contracts_anonymised} contract(s) anonymised, {run.reads_deleted} read-log "
                   f"line(s) deleted (retention run {run.id}).")


def init_app(app):
    app.cli.add_command(retention_command)
