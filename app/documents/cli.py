"""``flask --app run export --faculty CODE --out FILE``: a faculty's Excel extraction from the command line."""
import os

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app import academic_year
from app.cli import require_schema
from app.documents.excel import save_extraction
from app.documents.scope import faculty_query, parse_year
from app.extensions import db
from app.people.models import Faculty


@click.command("export")
@click.option("--faculty", "code", required=True, help="Faculty code (Apogée composante), e.g. SCI.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@click.option("--year", default=None, help="Academic year (2026 = 2026-2027) or 'all'; default: the current year.")
@with_appcontext
def export_command(code, out, year):
    """Write a faculty's Excel extraction: one row per contract, all fields but the study plan."""
    require_schema()
    faculty = db.session.scalar(select(Faculty).where(Faculty.code == code))
    if faculty is None:
        known = ", ".join(db.session.scalars(select(Faculty.code).order_by(Faculty.code)).all()) or "none"
        raise click.ClickException(f"Unknown faculty {code!r}; known faculties: {known}.")
    try:
        year = parse_year(year)
    except ValueError:
        raise click.ClickException(f"--year must be 'all' or {academic_year.REASON} (got {year!r}).") from None
    directory = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(directory):
        raise click.ClickException(f"The folder {directory} does not exist.")
    if not os.access(directory, os.W_OK):
        raise click.ClickException(f"The folder {directory} is not writable.")
    count = save_extraction(faculty_query(faculty, year), out)
    click.echo(f"{count} contract(s) of faculty {faculty.code} "
               f"({'all years' if year is None else f'{year}-{year + 1}'}) written to {out}.")


def init_app(app):
    app.cli.add_command(export_command)
