"""Which contracts an extraction holds: a faculty's, of one academic year or all."""
from sqlalchemy import select

from app import academic_year
from app.campaign import current_year
from app.contracts.models import Contract
from app.contracts.search import ContractSearch


def parse_year(raw):
    """None (all years) for "all", the current year when empty, else an academic year; ValueError otherwise."""
    raw = (raw or "").strip()
    if raw == "":
        return current_year()
    if raw == "all":
        return None
    return academic_year.parse(raw)


def faculty_search(faculty, year):
    return ContractSearch(faculty_id=faculty.id, year=year)


def faculty_query(faculty, year):
    """Every contract of a faculty (and year), for operators and the nightly job (no user)."""
    return faculty_search(faculty, year).apply(select(Contract))
