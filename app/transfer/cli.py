"""``flask --app run settings export|import`` and ``flask --app run import contracts FILE``."""
import os
import sys

import click
from flask.cli import AppGroup

from app.campaign import SettingsMissing
from app.cli import require_schema
from app.transfer import contract_import, settings_file, template

settings_group = AppGroup("settings", help="Move the configuration between installations (JSON).")
import_group = AppGroup("import", help="Import data from another installation.")


@settings_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of the output.")
def settings_export(out):
    """Print the settings, campaigns, catalogue, help texts and assignments as JSON."""
    require_schema()
    try:
        text = settings_file.dumps(settings_file.export_data())
    except SettingsMissing as exc:
        raise click.ClickException(str(exc)) from None
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


@settings_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change; change nothing.")
def settings_import(path, dry_run):
    """Check a settings file whole, then apply it (never touches contracts)."""
    require_schema()
    try:
        with open(path, encoding="utf-8") as handle:
            raw = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path} cannot be read: {exc}") from None
    try:
        outcome = settings_file.import_file(raw, dry_run=dry_run)
    except SettingsMissing as exc:
        raise click.ClickException(str(exc)) from None
    if outcome.problems:
        for problem in outcome.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"Nothing imported: {len(outcome.problems)} problem(s) in {path}.")
    for change in outcome.changes:
        click.echo(("Would change: " if dry_run else "Changed: ") + change)
    if not outcome.changes:
        click.echo("Nothing to change: this installation already has these settings.")
    elif dry_run:
        click.echo(f"Dry run: {len(outcome.changes)} change(s) would be made; nothing was changed.")
    else:
        click.echo(f"Done: {len(outcome.changes)} change(s).")


@import_group.command("contracts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and print what would be imported; import nothing.")
def import_contracts_command(path, dry_run):
    """Import past contracts from an Excel file made from the template (all rows or none)."""
    require_schema()
    report = contract_import.import_contracts(path, os.path.basename(path), dry_run=dry_run)
    print_report(report, dry_run, path)


def print_report(report, dry_run, path):
    if not report.ok:
        for line, message in report.problems:
            click.echo(f"row {line}: {message}" if line else message, err=True)
        bad_rows = len({line for line, _ in report.problems if line})
        raise click.ClickException(
            f"Nothing imported from {path}: {len(report.problems)} problem(s) in {bad_rows} row(s) of {report.rows}.")
    verb = "would be imported" if dry_run else "imported"
    click.echo(f"{report.created} contract(s) {verb}, {report.unchanged} already here and unchanged "
               f"({report.rows} row(s) read).")


@import_group.command("template")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def import_template_command(path):
    """Write the Excel template for importing past contracts (with its help and codes)."""
    require_schema()
    with open(path, "wb") as handle:
        handle.write(template.template_workbook())
    click.echo(f"Template written to {path}.")


def init_app(app):
    app.cli.add_command(settings_group)
    app.cli.add_command(import_group)
