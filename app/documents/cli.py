"""``flask --app run export --faculty CODE --out FILE``: a faculty's Excel extraction from the command line."""
import os
import tempfile

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from app.catalog.service import current_year
from app.cli import require_schema
from app.contracts.models import Contract
from app.contracts.search import ContractSearch
from app.documents.excel import write_extraction
from app.extensions import db
from app.people.models import Faculty


def parse_year(raw):
    """None (all years) for "all", the current year when empty, else an academic year."""
    if raw is None or raw == "":
        return current_year()
    if raw == "all":
        return None
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    raise click.ClickException(f"--year must be an academic year such as 2026, or 'all' (got {raw!r}).")


def faculty_query(faculty, year):
    """Every contract of a faculty (and year): what its registrars may extract."""
    return ContractSearch(faculty_id=faculty.id, year=year).apply(select(Contract))


def write_atomically(query, path):
    """Write to a temporary file next to ``path`` and rename it: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".conpere-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            count = write_extraction(query, out)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return count


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
    year = parse_year(year)
    directory = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(directory):
        raise click.ClickException(f"The folder {directory} does not exist.")
    if not os.access(directory, os.W_OK):
        raise click.ClickException(f"The folder {directory} is not writable.")
    count = write_atomically(faculty_query(faculty, year), out)
    click.echo(f"{count} contract(s) of faculty {faculty.code} "
               f"({'all years' if year is None else f'{year}-{year + 1}'}) written to {out}.")


def init_app(app):
    app.cli.add_command(export_command)
