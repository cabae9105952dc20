"""The staff contract list's search and filters, shared by the list, its exports and bulk actions.

Parsing is forgiving: an unknown or malformed value is ignored (and reported), never a 500. Names
are matched without accents or case, anywhere in the name (« lefevre » finds « Lefèvre »), and a
part of a student number finds it.
"""
from dataclasses import dataclass, field

from sqlalchemy import and_, select

from app import academic_year, policy
from app.catalog.models import Accommodation
from app.contracts.models import KINDS, STATUSES, Contract, ContractAccommodation
from app.people.models import Programme, Registration, Student
from app.people.names import like_pattern, search_words

ALL_YEARS = "all"

YES_NO = {"yes": True, "no": False, "1": True, "0": False}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class ContractSearch:
    text: str = ""
    programme_id: int = None
    faculty_id: int = None
    status: str = None
    year: int = None
    kind: str = None
    accommodation_id: int = None
    repeating: bool = None
    regime: str = None
    ignored: list = field(default_factory=list)

    @classmethod
    def from_args(cls, args, default_year=None):
        """Build from request arguments (``q``, ``programme``, ``faculty``, ``status``, ``year``,
        ``kind``, ``accommodation``, ``repeating``, ``regime``). Without a ``year`` argument the
        search is on ``default_year``; ``year=all`` (or empty) searches every year."""
        search = cls(text=(args.get("q") or "").strip()[:100])
        search.year = default_year if "year" not in args else None
        for name, attr in (("programme", "programme_id"), ("faculty", "faculty_id"),
                           ("accommodation", "accommodation_id")):
            raw = args.get(name)
            if raw not in (None, "", ALL_YEARS):
                setattr(search, attr, search._row_id(name, raw))
        if args.get("year") not in (None, "", ALL_YEARS):
            search.year = search._year(args["year"])
        search.status = search._choice(args, "status", STATUSES)
        search.kind = search._choice(args, "kind", KINDS)
        search.repeating = YES_NO.get(search._choice(args, "repeating", YES_NO))
        search.regime = (args.get("regime") or "").strip()[:8] or None
        return search

    def _row_id(self, name, raw):
        value = _int(raw)
        if value is None or not 0 < value < 2**31:
            self.ignored.append(name)
            return None
        return value

    def _year(self, raw):
        try:
            return academic_year.parse(raw)
        except ValueError:
            self.ignored.append("year")
            return None

    def _choice(self, args, name, allowed):
        value = args.get(name) or None
        if value and value not in allowed:
            self.ignored.append(name)
            return None
        return value

    def as_args(self):
        """The arguments that rebuild this search (for links: pages, exports)."""
        values = {
            "q": self.text, "programme": self.programme_id, "faculty": self.faculty_id,
            "status": self.status, "year": ALL_YEARS if self.year is None else self.year, "kind": self.kind,
            "accommodation": self.accommodation_id,
            "repeating": {True: "yes", False: "no"}.get(self.repeating), "regime": self.regime,
        }
        return {k: v for k, v in values.items() if v not in (None, "")}

    def apply(self, query):
        words = search_words(self.text)
        if words:
            # Every word, anywhere in the names or the student number (Student.search_name).
            matching = select(Student.id).where(and_(*(Student.search_name.like(like_pattern(w)) for w in words)))
            query = query.where(Contract.student_id.in_(matching))
        if self.programme_id is not None:
            query = query.where(Contract.programme_id == self.programme_id)
        if self.faculty_id is not None:
            query = query.where(
                Contract.programme_id.in_(select(Programme.id).where(Programme.faculty_id == self.faculty_id))
            )
        if self.status:
            query = query.where(Contract.status == self.status)
        if self.year is not None:
            query = query.where(Contract.year == self.year)
        if self.kind:
            query = query.where(Contract.kind == self.kind)
        if self.accommodation_id is not None:
            # Health-related needs are never a selection key on their own (data protection).
            query = query.where(
                Contract.id.in_(
                    select(ContractAccommodation.contract_id)
                    .join(Accommodation)
                    .where(Accommodation.id == self.accommodation_id, Accommodation.health_related.is_(False))
                )
            )
        if self.repeating is not None or self.regime:
            registrations = select(Registration.id)
            if self.repeating is not None:
                registrations = registrations.where(Registration.is_repeating.is_(self.repeating))
            if self.regime:
                registrations = registrations.where(Registration.regime_code == self.regime)
            query = query.where(Contract.registration_id.in_(registrations))
        return query


def visible_contracts_query(user, search):
    """The contracts a user may see that match the search, in list order."""
    query = search.apply(policy.contracts_query(user))
    return query.join(Student, Contract.student_id == Student.id).order_by(
        Contract.year.desc(), Student.last_name, Student.first_name, Contract.id
    )
