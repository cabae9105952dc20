"""Excel extractions of contracts (openpyxl, write-only: memory stays flat however many rows).

Sheet 1: one row per contract, every field except the study plan. Sheet 2: one row per specific
need or remediation, for pivot tables. Accommodations are part of a contract's row, never a way
to select contracts: the rows are whatever the caller's query selects (data protection).
"""
from dataclasses import dataclass
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.catalog.models import Accommodation, Remediation
from app.contracts.labels import GAP_YEAR_LABELS, KIND_LABELS, STATUS_LABELS, year_label
from app.contracts.models import (
    REORIENTATION,
    AdvanceCourse,
    Contract,
    ContractAccommodation,
    ContractRemediation,
)
from app.extensions import db
from app.people.models import Faculty, Programme, Registration, Student

CHUNK = 1000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text a spreadsheet shows as it is: no control characters, never run as a formula."""
    if not value:
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


@dataclass(frozen=True)
class Column:
    label: object
    width: int


CONTRACT_COLUMNS = [
    Column(_l("Contract id"), 10), Column(_l("Student number"), 14), Column(_l("INE"), 14),
    Column(_l("Last name"), 20), Column(_l("First name"), 18), Column(_l("Faculty"), 10),
    Column(_l("Programme code"), 15), Column(_l("Programme"), 34), Column(_l("Level"), 8),
    Column(_l("Year"), 8), Column(_l("Academic year"), 13), Column(_l("Contract"), 22),
    Column(_l("Reorientation"), 13), Column(_l("Status"), 24), Column(_l("Started on"), 18),
    Column(_l("Validated on"), 18), Column(_l("Signed on"), 18), Column(_l("Signed by"), 22),
    Column(_l("Return reason"), 30), Column(_l("Régime code"), 11), Column(_l("Régime"), 20),
    Column(_l("Repeating"), 11), Column(_l("Gap period"), 16), Column(_l("Gap period details"), 30),
    Column(_l("Double enrolment: programme"), 28), Column(_l("Double enrolment: level"), 12),
    Column(_l("Double enrolment: institution"), 24), Column(_l("Double enrolment from Apogée"), 14),
    Column(_l("Specific needs"), 40), Column(_l("Specific needs: hours"), 12),
    Column(_l("Specific needs: details"), 30), Column(_l("Remediations"), 40),
    Column(_l("Remediations: hours"), 12), Column(_l("Subject support hours"), 12),
    Column(_l("Courses taken in advance"), 34), Column(_l("Courses taken in advance: ECTS"), 12),
    Column(_l("Features of the path"), 40), Column(_l("PEC looked at"), 11), Column(_l("Charter accepted"), 11),
    Column(_l("Charter accepted on"), 18), Column(_l("Fingerprint at validation"), 22),
    Column(_l("Fingerprint at signature"), 22), Column(_l("Last change"), 18),
]
ITEM_COLUMNS = [
    Column(_l("Contract id"), 10), Column(_l("Student number"), 14), Column(_l("Last name"), 20),
    Column(_l("First name"), 18), Column(_l("Faculty"), 10), Column(_l("Programme code"), 15),
    Column(_l("Year"), 8), Column(_l("Status"), 24), Column(_l("Item"), 16), Column(_l("Code"), 10),
    Column(_l("Label"), 40), Column(_l("Remediation type"), 12), Column(_l("Hours"), 10),
]

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))


def _prepare(sheet, columns):
    """Widths, frozen header row and the styled header; must run before any other row."""
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe_text(str(column.label)))
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT, HEADER_BORDER
        header.append(cell)
    sheet.append(header)


def _finish(sheet, columns, rows):
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"


def _selected_rows(contract_query):
    """The contracts' own columns, in list order, from any ``select(Contract)`` (filters, policy)."""
    ids = contract_query.with_only_columns(Contract.id).order_by(None).subquery()
    signer = current_app.appbuilder.sm.user_model
    signer = aliased(signer)
    return (
        select(
            Contract.id, Contract.year, Contract.kind, Contract.status, Contract.created_at,
            Contract.submitted_at, Contract.signed_at, Contract.updated_at, Contract.returned_reason,
            Contract.gap_year, Contract.gap_year_details, Contract.needs_details,
            Contract.second_programme_label, Contract.second_programme_level,
            Contract.second_programme_institution, Contract.second_programme_from_sis,
            Contract.pec_acknowledged, Contract.charter_accepted, Contract.charter_accepted_at,
            Contract.support_hours, Contract.path_notes, Contract.submitted_hash, Contract.signed_hash,
            Student.student_number, Student.ine, Student.last_name, Student.first_name,
            Programme.step_code, Programme.step_version, Programme.label.label("programme_label"),
            Programme.level, Faculty.code.label("faculty_code"),
            signer.first_name.label("signer_first"), signer.last_name.label("signer_last"),
            Registration.regime_code, Registration.regime_label, Registration.is_repeating,
        )
        .join(Student, Contract.student_id == Student.id)
        .join(Programme, Contract.programme_id == Programme.id)
        .join(Faculty, Programme.faculty_id == Faculty.id)
        .outerjoin(signer, Contract.signed_by_id == signer.id)
        .outerjoin(Registration, Contract.registration_id == Registration.id)
        .where(Contract.id.in_(select(ids.c.id)))
        .order_by(Contract.year.desc(), Student.last_name, Student.first_name, Contract.id)
    )


def _children(ids, language):
    """{contract id: [...]} of specific needs, remediations and courses for a chunk of contracts."""
    needs, remediations, courses = {}, {}, {}
    for row in db.session.execute(
        select(ContractAccommodation.contract_id, Accommodation.code, Accommodation.label,
               Accommodation.label_en, ContractAccommodation.hours)
        .join(Accommodation, ContractAccommodation.accommodation_id == Accommodation.id)
        .where(ContractAccommodation.contract_id.in_(ids))
        .order_by(ContractAccommodation.id)
    ):
        label = row.label_en if language == "en" and row.label_en else row.label
        needs.setdefault(row.contract_id, []).append((row.code, label, row.hours))
    for row in db.session.execute(
        select(ContractRemediation.contract_id, Remediation.label, Remediation.kind, ContractRemediation.hours)
        .join(Remediation, ContractRemediation.remediation_id == Remediation.id)
        .where(ContractRemediation.contract_id.in_(ids))
        .order_by(ContractRemediation.id)
    ):
        remediations.setdefault(row.contract_id, []).append((row.label, row.kind, row.hours))
    for row in db.session.execute(
        select(AdvanceCourse.contract_id, AdvanceCourse.code, AdvanceCourse.label, AdvanceCourse.ects)
        .where(AdvanceCourse.contract_id.in_(ids))
        .order_by(AdvanceCourse.id)
    ):
        courses.setdefault(row.contract_id, []).append((row.code, row.label, row.ects))
    return needs, remediations, courses


class _Formatter:
    """Turns database values into cell values, with labels resolved once."""

    def __init__(self, language):
        self.language = language
        self.local = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
        self.status = {k: str(v) for k, v in STATUS_LABELS.items()}
        self.kind = {k: str(v) for k, v in KIND_LABELS.items()}
        self.gap = {k: str(v) for k, v in GAP_YEAR_LABELS.items()}
        self.remediation_type = str(_l("type"))
        self.need_item, self.remediation_item = str(_l("Specific need")), str(_l("Remediation"))

    def when(self, value):
        """Stored in UTC, shown in the institution's time zone, as a real date."""
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc, microsecond=0).astimezone(self.local).replace(tzinfo=None)

    @staticmethod
    def number(value):
        return None if value is None else float(value)

    @staticmethod
    def total(values):
        values = [v for v in values if v is not None]
        return float(sum(values)) if values else None

    @staticmethod
    def with_hours(label, value):
        return label if value is None else f"{label} ({value.normalize():f} h)"

    def contract_row(self, r, needs, remediations, courses):
        t = safe_text
        signer = f"{r.signer_first} {r.signer_last}" if r.signer_last else None
        return [
            r.id, t(r.student_number), t(r.ine), t(r.last_name), t(r.first_name), t(r.faculty_code),
            t(f"{r.step_code}-{r.step_version}"), t(r.programme_label), r.level, r.year, year_label(r.year),
            self.kind.get(r.kind, r.kind), r.kind == REORIENTATION, self.status.get(r.status, r.status),
            self.when(r.created_at), self.when(r.submitted_at), self.when(r.signed_at), t(signer),
            t(r.returned_reason), t(r.regime_code), t(r.regime_label), r.is_repeating,
            self.gap.get(r.gap_year, r.gap_year), t(r.gap_year_details), t(r.second_programme_label),
            t(r.second_programme_level), t(r.second_programme_institution), r.second_programme_from_sis,
            t("; ".join(self.with_hours(label, hours) for _, label, hours in needs)),
            self.total(h for *_, h in needs), t(r.needs_details),
            t("; ".join(self.with_hours(f"{label}, {self.remediation_type} {kind}", hours)
                        for label, kind, hours in remediations)),
            self.total(h for *_, h in remediations), self.number(r.support_hours),
            t("; ".join(" ".join(p for p in (code, label, f"({ects.normalize():f} ECTS)" if ects else "") if p)
                        for code, label, ects in courses)),
            self.total(e for *_, e in courses),
            t(r.path_notes), r.pec_acknowledged, r.charter_accepted, self.when(r.charter_accepted_at),
            r.submitted_hash, r.signed_hash, self.when(r.updated_at),
        ]

    def item_rows(self, r, needs, remediations):
        t = safe_text
        common = [r.id, t(r.student_number), t(r.last_name), t(r.first_name), t(r.faculty_code),
                  t(f"{r.step_code}-{r.step_version}"), r.year, self.status.get(r.status, r.status)]
        for code, label, hours in needs:
            yield common + [self.need_item, t(code), t(label), None, self.number(hours)]
        for label, kind, hours in remediations:
            yield common + [self.remediation_item, None, t(label), kind, self.number(hours)]


def write_extraction(contract_query, destination, title=None):
    """Write the contracts ``contract_query`` selects to ``destination`` (a path or a binary file).

    Returns the number of contracts written.
    """
    language = str(get_locale() or "fr")[:2]
    fmt = _Formatter(language)
    book = Workbook(write_only=True)
    contracts = book.create_sheet(_sheet_title(title or str(_l("Contracts"))))
    items = book.create_sheet(_sheet_title(str(_l("Needs and support"))))
    _prepare(contracts, CONTRACT_COLUMNS)
    _prepare(items, ITEM_COLUMNS)
    count = item_count = 0
    result = db.session.execute(_selected_rows(contract_query).execution_options(yield_per=CHUNK))
    for rows in result.partitions():
        needs, remediations, courses = _children([r.id for r in rows], language)
        for r in rows:
            own_needs, own_remediations = needs.get(r.id, ()), remediations.get(r.id, ())
            contracts.append(fmt.contract_row(r, own_needs, own_remediations, courses.get(r.id, ())))
            for item in fmt.item_rows(r, own_needs, own_remediations):
                items.append(item)
                item_count += 1
        count += len(rows)
    _finish(contracts, CONTRACT_COLUMNS, count)
    _finish(items, ITEM_COLUMNS, item_count)
    book.save(destination)
    return count


def _sheet_title(text):
    for forbidden in "[]:*?/\\":
        text = text.replace(forbidden, " ")
    return text[:31]
