"""A report's filters, read from the query string; the page, its chart and its Excel file share them.

Parsing is forgiving: a malformed or out-of-range value is ignored and named, never a 500.
"""
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from app import academic_year, policy
from app.catalog.models import Campaign
from app.campaign import current_year
from app.contracts.models import STATUSES, Contract
from app.extensions import db
from app.people.models import Faculty, Programme, Registration

YEARS_BACK = 5  # year over year: the selected year and the four before it
MAX_DAYS = 365
DEFAULT_DAYS = 7


def _bounded_int(raw, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


@dataclass
class ReportFilters:
    year: int
    faculty_id: int = None
    programme_id: int = None
    status: str = None
    days: int = DEFAULT_DAYS  # "validated but not signed for more than N days"
    ignored: list = field(default_factory=list)

    @classmethod
    def from_args(cls, args):
        filters = cls(year=current_year())
        for name, attr, low, high in (("year", "year", academic_year.FIRST, academic_year.LAST), ("faculty", "faculty_id", 1, 2**31 - 1),
                                      ("programme", "programme_id", 1, 2**31 - 1), ("days", "days", 0, MAX_DAYS)):
            raw = args.get(name)
            if raw in (None, ""):
                continue
            value = _bounded_int(raw, low, high)
            if value is None:
                filters.ignored.append(name)
            else:
                setattr(filters, attr, value)
        status = args.get("status") or None
        if status and status not in STATUSES:
            filters.ignored.append("status")
            status = None
        filters.status = status
        return filters

    def as_args(self):
        values = {"year": self.year, "faculty": self.faculty_id, "programme": self.programme_id,
                  "status": self.status, "days": None if self.days == DEFAULT_DAYS else self.days}
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def years(self):
        """The years a year-over-year figure spans, oldest first."""
        return list(range(self.year - YEARS_BACK + 1, self.year + 1))


def choices(user):
    """What the filter form offers: the years, faculties and programmes of the user's scope.

    EXISTS per programme and per campaign year: an index lookup each, however many contracts.
    """
    programmes = db.session.scalars(
        select(Programme).where(or_(
            select(Registration.id).where(Registration.programme_id == Programme.id,
                                          policy.visible_registrations(user)).exists(),
            select(Contract.id).where(Contract.programme_id == Programme.id, policy.counted_contracts(user)).exists(),
        )).order_by(Programme.step_code, Programme.step_version)
    ).all()
    faculty_ids = {p.faculty_id for p in programmes}
    faculties = db.session.scalars(select(Faculty).where(Faculty.id.in_(faculty_ids)).order_by(Faculty.code)).all()
    years = set(db.session.scalars(select(Campaign.year).where(
        select(Contract.id).where(Contract.year == Campaign.year, policy.counted_contracts(user)).exists()
    )).all())
    years.add(current_year())
    return {"years": sorted(years, reverse=True), "faculties": faculties, "programmes": programmes}
