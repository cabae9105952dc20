"""Past contracts from an Excel file (one row per contract), so that carry-over works in the first year.

Every row is checked against the synced students and programmes and the catalogue before anything is
written; one bad row and nothing is imported, every bad row is listed with its reason. A row whose
contract is already here, identical, is left alone, so importing the same file twice changes nothing;
a different contract for the same student and year is refused, never overwritten. Only past
academic years are imported (the current year's contracts are the students' own). The columns are
described in ``app.transfer.template`` and docs/transfer.md.
"""
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import func, select

from app import academic_year
from app.catalog.models import Accommodation, Remediation
from app.campaign import current_year
from app.contracts import document
from app.contracts.models import (
    DRAFT,
    INITIAL,
    RETURNED,
    SIGNED,
    SUBMITTED,
    Contract,
    ContractAccommodation,
    ContractEvent,
    ContractRemediation,
)
from app.extensions import db
from app.people.models import Programme, Student, utcnow
from app.transfer.fields import Invalid, day, integer, number, text
from app.transfer.template import COLUMNS, STATUS_WORDS

CHUNK = 900  # ids per IN (…): under SQLite's limit on bound parameters


@dataclass
class Row:
    """One row of the file, checked: what the contract will hold."""

    line: int
    student: Student
    year: int
    programme: Programme
    status: str
    study_plan: str
    needs: list  # [(Accommodation, hours or None)]
    remediations: list  # [(Remediation, hours)]
    support_hours: Decimal
    signed_on: object
    signer: object


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)  # [(line, message)]

    @property
    def ok(self):
        return not self.problems


class Refused(Exception):
    """The file as a whole cannot be read (not Excel, wrong columns, too many rows)."""


def import_contracts(source, filename, actor=None, dry_run=False):
    """Read, check, and (unless ``dry_run`` or a problem) create the contracts, in one transaction."""
    report = Report()
    try:
        raw_rows = _read(source)
    except Refused as exc:
        report.problems.append((None, str(exc)))
        return report
    report.rows = len(raw_rows)
    checked = _Checker().check(raw_rows, report.problems)
    if report.problems:
        return report
    existing = _existing(checked)
    new = [row for row in checked if not _already_here(row, existing.get((row.student.id, row.year)), report)]
    if not dry_run:
        for row in new:
            _create(row, filename, actor)
        db.session.commit()
    report.created = len(new)
    return report


# --- reading the file ----------------------------------------------------------------------------


def _read(source):
    """[(line, {column: value})] of the first sheet's non-empty rows, below the header row."""
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise Refused("this is not an Excel file (.xlsx)") from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        columns = _header(next(lines, ()))
        limit = current_app.config["IMPORT_MAX_ROWS"]
        rows = []
        for line, values in enumerate(lines, start=2):
            if any(v not in (None, "") for v in values):
                rows.append((line, {name: values[i] if i < len(values) else None for name, i in columns.items()}))
                if len(rows) > limit:
                    raise Refused(f"too many rows: {limit} at most per file")
        return rows
    finally:
        book.close()


def _header(values):
    names = [_code(v).lower() for v in values]
    wanted = [c.name for c in COLUMNS]
    problems = _listed("missing column(s)", [n for n in wanted if n not in names]) + _listed(
        "unknown column(s)", [n for n in names if n not in wanted + [""]])
    if problems:
        raise Refused("the first row must name the template's columns: " + "; ".join(problems))
    return {name: names.index(name) for name in wanted}


def _listed(what, names):
    return [f"{what} {', '.join(names)}"] if names else []


# --- checking the rows ---------------------------------------------------------------------------


class _Checker:
    """Checks rows against what the database holds, loaded once for the whole file."""

    def __init__(self):
        self.current_year = current_year()
        self.programmes = {p.code: p for p in db.session.scalars(select(Programme))}
        self.needs = {a.code.upper(): a for a in db.session.scalars(select(Accommodation))}
        self.remediations = {}
        for remediation in db.session.scalars(select(Remediation)):
            self.remediations.setdefault(remediation.label.strip().lower(), []).append(remediation)
        self.max_text = current_app.config["MAX_TEXT_LENGTH"]
        self.max_hours = Decimal(current_app.config["MAX_HOURS"])
        self.students, self.users = {}, {}

    def check(self, raw_rows, problems):
        self._load_people(raw_rows)
        checked, seen = [], {}
        for line, values in raw_rows:
            errors = []
            row = self._row(line, values, errors)
            if row is not None:
                key = (row.student.id, row.year)
                if key in seen:
                    errors.append(f"the same student and year as row {seen[key]}")
                seen.setdefault(key, line)
            problems.extend((line, message) for message in errors)
            if not errors:
                checked.append(row)
        return checked

    def _load_people(self, raw_rows):
        numbers = {_code(values.get("student_number")) for _, values in raw_rows} - {""}
        logins = {_code(values.get("signer")).lower() for _, values in raw_rows} - {""}
        User = current_app.appbuilder.sm.user_model
        for chunk in _chunks(sorted(numbers)):
            for student in db.session.scalars(select(Student).where(Student.student_number.in_(chunk))):
                self.students[student.student_number] = student
        for chunk in _chunks(sorted(logins)):
            for user in db.session.scalars(select(User).where(func.lower(User.username).in_(chunk))):
                self.users[user.username.lower()] = user

    def _row(self, line, values, errors):
        def read(name, parse):
            try:
                return parse(values.get(name))
            except Invalid as exc:
                errors.append(f"{name}: {exc}")
                return None

        student = read("student_number", self._student)
        year = read("year", self._year)
        programme = read("programme", self._programme)
        status = read("status", _status)
        study_plan = read("study_plan", lambda v: text(self.max_text)("" if v is None else str(v)))
        needs = read("needs", self._needs)
        remediations = read("remediations", self._remediations)
        support = read("support_hours", number(self.max_hours, nullable=True))
        signed_on = read("signed_on", lambda v: None if v in (None, "") else day(v))
        signer = read("signer", self._signer)
        if errors:
            return None
        row = Row(line, student, year, programme, status, study_plan, needs, remediations, support, signed_on, signer)
        errors.extend(_consistency(row))
        return row

    def _student(self, value):
        number = _code(value)
        if not number:
            raise Invalid("is required")
        if number not in self.students:
            raise Invalid(f"no synced student has the number {number!r}")
        return self.students[number]

    def _year(self, value):
        year = integer(academic_year.FIRST, academic_year.LAST)(value)
        if year >= self.current_year:
            raise Invalid(f"only past years are imported (before {self.current_year}-{self.current_year + 1})")
        return year

    def _programme(self, value):
        code = _code(value)
        if code not in self.programmes:
            raise Invalid(f"no synced programme has the code {code!r} (e.g. L1MATH-101)")
        return self.programmes[code]

    def _needs(self, value):
        found = []
        for code, hours in _pairs(value):
            need = self.needs.get(code.upper())
            if need is None:
                raise Invalid(f"unknown specific need code {code!r}")
            if any(n is need for n, _ in found):
                raise Invalid(f"{code} is listed twice")
            found.append((need, number(self.max_hours, nullable=True)(hours)))
        return found

    def _remediations(self, value):
        found = []
        for label, hours in _pairs(value):
            candidates = self.remediations.get(label.strip().lower(), [])
            if len(candidates) != 1:
                raise Invalid(f"no remediation is labelled {label!r}" if not candidates
                              else f"several remediations are labelled {label!r}")
            remediation = candidates[0]
            found.append((remediation, number(self.max_hours, nullable=remediation.hours is not None)(hours)
                          or remediation.hours))
        return found

    def _signer(self, value):
        login = _code(value).lower()
        if not login:
            return None
        if login not in self.users:
            raise Invalid(f"no account has the login {login!r}")
        return self.users[login]


def _consistency(row):
    """What a signed (or validated) contract needs, as the workflow requires it."""
    errors = _signature_problems(row)
    if row.status in (SUBMITTED, SIGNED) and not row.study_plan.strip():
        errors.append("study_plan: a validated or signed contract has a study plan")
    return errors


def _signature_problems(row):
    if row.status != SIGNED:
        signed = row.signed_on is not None or row.signer is not None
        return ["signed_on and signer are only for a signed contract"] if signed else []
    errors = [] if row.signed_on and row.signer else ["a signed contract needs signed_on and signer"]
    return errors + [f"needs: {need.code} needs an hour volume on a signed contract"
                     for need, hours in row.needs if need.hours_required and hours is None]


def _status(value):
    word = _code(value).lower()
    if word not in STATUS_WORDS:
        raise Invalid("must be one of " + ", ".join(sorted({DRAFT, SUBMITTED, RETURNED, SIGNED})))
    return STATUS_WORDS[word]


def _code(value):
    """Codes typed in Excel: numbers (student numbers) without their « .0 », text trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _pairs(value):
    """« A:12; B » → [("A", "12"), ("B", None)]: items separated by « ; », hours after the last « : »."""
    items = [item.strip() for item in str(value or "").split(";") if item.strip()]
    pairs = []
    for item in items:
        name, colon, hours = item.rpartition(":")
        pairs.append((name.strip(), hours.strip() or None) if colon else (item, None))
    return pairs


def _chunks(values):
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


# --- writing -------------------------------------------------------------------------------------


def _existing(rows):
    """{(student id, year): contract} of the initial contracts the file's students already have."""
    found = {}
    for chunk in _chunks(sorted({row.student.id for row in rows})):
        for contract in db.session.scalars(
            select(Contract).where(Contract.student_id.in_(chunk), Contract.kind == INITIAL)
        ).unique():
            found[(contract.student_id, contract.year)] = contract
    return found


def _already_here(row, contract, report):
    """True when the same contract is already here; a different one is a problem (never overwritten)."""
    if contract is None:
        return False
    if _content(contract) == _row_content(row):
        report.unchanged += 1
        return True
    report.problems.append((row.line, f"student {row.student.student_number} already has a different contract "
                                      f"for {row.year}-{row.year + 1}: it is never overwritten"))
    return True


def _content(contract):
    return (contract.programme_id, contract.status, contract.study_plan,
            sorted((a.accommodation_id, a.hours) for a in contract.accommodations),
            sorted((r.remediation_id, r.hours) for r in contract.remediations), contract.support_hours,
            contract.signed_at.date() if contract.signed_at else None, contract.signed_by_id)


def _row_content(row):
    return (row.programme.id, row.status, row.study_plan, sorted((n.id, h) for n, h in row.needs),
            sorted((r.id, h) for r, h in row.remediations), row.support_hours, row.signed_on,
            row.signer.id if row.signer else None)


def _create(row, filename, actor):
    signed_at = datetime.combine(row.signed_on, time(12, 0)) if row.signed_on else None
    contract = Contract(
        student=row.student, year=row.year, kind=INITIAL, programme=row.programme, status=row.status,
        registration=next((r for r in row.student.registrations_for(row.year) if r.programme_id == row.programme.id), None),
        study_plan=row.study_plan, support_hours=row.support_hours, signed_at=signed_at,
        signed_by_id=row.signer.id if row.signer else None, submitted_at=signed_at,
        accommodations=[ContractAccommodation(accommodation=need, hours=hours) for need, hours in row.needs],
        remediations=[ContractRemediation(remediation=r, hours=hours) for r, hours in row.remediations],
    )
    signed = None
    if row.status == SIGNED:  # frozen as the application freezes a signature (app.contracts.document)
        signed = document.live(contract, signed=(row.signer, signed_at))
        contract.submitted_hash = contract.signed_hash = document.fingerprint(signed)
    contract.events.append(ContractEvent(
        actor_id=actor.id if actor is not None else None, from_status=None, to_status=row.status,
        at=signed_at or utcnow(), content_hash=contract.signed_hash,
        document=document.canonical(signed) if signed is not None else None,
        reason=_("Imported from %(file)s, row %(row)s", file=filename, row=row.line),
    ))
    db.session.add(contract)
