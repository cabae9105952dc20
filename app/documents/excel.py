"""Excel extractions of contracts (openpyxl, write-only: memory stays flat however many rows).

Sheet 1: one row per contract, every field except the study plan. Sheet 2: one row per specific
need or remediation, for pivot tables. Accommodations are part of a contract's row, never a way
to select contracts: the rows are whatever the caller's query selects (data protection).
"""
import os
import tempfile
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
from app.spreadsheet import safe_text

CHUNK = 1000
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
    Column(_l("Return reason"), 30), Column(_l("Enrolment scheme code"), 11), Column(_l("Enrolment scheme"), 20),
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
        self.local = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.status = {k: str(v) for k, v in STATUS_LABELS.items()}
        self.kind = {k: str(v) for k, v in KIND_LABELS.items()}
        self.gap = {k: str(v) for k, v in GAP_YEAR_LABELS.items()}
        self.remediation_type = str(_l("type"))
        self.need_item, self.remediation_item = str(_l("Specific need")), str(_l("Remediation"))
        self.programmes = {}

    def when(self, value):
        """Stored in UTC, shown in the institution's time zone, as a real date."""
        if value is None:
            return None
        return self.local.fromutc(value.replace(tzinfo=self.local, microsecond=0)).replace(tzinfo=None)

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

    def rows(self, r, needs, remediations, courses):
        """The contract's row of sheet 1 and its rows of sheet 2."""
        # Unpacked once: attribute access on 37 columns × 20,000 rows shows in the benchmark.
        (cid, year, kind, status, created_at, submitted_at, signed_at, updated_at, returned_reason, gap_year,
         gap_year_details, needs_details, second_label, second_level, second_institution, second_from_sis,
         pec, charter, charter_at, support_hours, path_notes, submitted_hash, signed_hash, number, ine,
         last_name, first_name, step_code, step_version, programme_label, level, faculty_code, signer_first,
         signer_last, regime_code, regime_label, repeating) = r
        t, when = safe_text, self.when
        number, last_name, first_name = t(number), t(last_name), t(first_name)
        programme = (step_code, step_version, programme_label, faculty_code)
        if programme not in self.programmes:  # a few programmes for thousands of rows
            self.programmes[programme] = (t(Programme.code_of(step_code, step_version)), t(programme_label), t(faculty_code))
        programme_code, programme_label, faculty_code = self.programmes[programme]
        status_label = self.status.get(status, status)
        common = [cid, number, last_name, first_name, faculty_code, programme_code, year, status_label]
        return [
            cid, number, t(ine), last_name, first_name, faculty_code,
            programme_code, programme_label, level, year, year_label(year),
            self.kind.get(kind, kind), kind == REORIENTATION, status_label,
            when(created_at), when(submitted_at), when(signed_at),
            t(f"{signer_first} {signer_last}") if signer_last else None,
            t(returned_reason), t(regime_code), t(regime_label), repeating,
            self.gap.get(gap_year, gap_year), t(gap_year_details), t(second_label), t(second_level),
            t(second_institution), second_from_sis,
            *self.needs_cells(needs), t(needs_details), *self.remediation_cells(remediations),
            None if support_hours is None else float(support_hours), *self.course_cells(courses),
            t(path_notes), pec, charter, when(charter_at), submitted_hash, signed_hash, when(updated_at),
        ], self.items(common, needs, remediations)

    def items(self, common, needs, remediations):
        t = safe_text
        items = [common + [self.need_item, t(code), t(label), None, self.number(hours)]
                 for code, label, hours in needs]
        items += [common + [self.remediation_item, None, t(label), rkind, self.number(hours)]
                  for label, rkind, hours in remediations]
        return items

    def needs_cells(self, needs):
        """(the needs with their hours, total hours)"""
        if not needs:
            return None, None
        return (safe_text("; ".join(self.with_hours(label, hours) for _, label, hours in needs)),
                self.total(h for *_, h in needs))

    def remediation_cells(self, remediations):
        if not remediations:
            return None, None
        return (safe_text("; ".join(self.with_hours(f"{label}, {self.remediation_type} {rkind}", hours)
                                    for label, rkind, hours in remediations)),
                self.total(h for *_, h in remediations))

    @staticmethod
    def course(code, label, ects):
        return " ".join(p for p in (code, label, f"({ects.normalize():f} ECTS)" if ects else "") if p)

    def course_cells(self, courses):
        if not courses:
            return None, None
        return safe_text("; ".join(self.course(*c) for c in courses)), self.total(e for *_, e in courses)


def extraction_rows(contract_query):
    """("contract", row) and ("item", row) tuples of an extraction, streamed from the database."""
    language = str(get_locale() or "fr")[:2]
    fmt = _Formatter(language)
    result = db.session.execute(_selected_rows(contract_query).execution_options(yield_per=CHUNK))
    for rows in result.partitions():
        needs, remediations, courses = _children([r.id for r in rows], language)
        for r in rows:
            row, items = fmt.rows(r, needs.get(r.id, ()), remediations.get(r.id, ()), courses.get(r.id, ()))
            yield "contract", row
            for item in items:
                yield "item", item


def write_extraction(contract_query, destination, title=None, progress=None, written=None):
    """Write the contracts ``contract_query`` selects to ``destination`` (a path or a binary file).

    ``progress(contracts written so far)`` is called as rows go; the id of each contract written is
    appended to the list ``written`` (the read log records exactly what the file holds). Returns the
    number of contracts written.
    """
    book = Workbook(write_only=True)
    contracts = book.create_sheet(_sheet_title(title or str(_l("Contracts"))))
    items = book.create_sheet(_sheet_title(str(_l("Needs and support"))))
    _prepare(contracts, CONTRACT_COLUMNS)
    _prepare(items, ITEM_COLUMNS)
    counts = {"contract": 0, "item": 0}
    sheets = {"contract": contracts.append, "item": items.append}
    for kind, row in extraction_rows(contract_query):
        sheets[kind](row)
        counts[kind] += 1
        if written is not None and kind == "contract":
            written.append(row[0])
        if progress is not None and kind == "contract" and counts["contract"] % CHUNK == 0:
            progress(counts["contract"])
    _finish(contracts, CONTRACT_COLUMNS, counts["contract"])
    _finish(items, ITEM_COLUMNS, counts["item"])
    book.save(destination)
    return counts["contract"]


def save_extraction(query, path, written=None):
    """Write to a temporary file next to ``path`` and rename it: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".conpere-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            count = write_extraction(query, out, written=written)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return count


def _sheet_title(text):
    for forbidden in "[]:*?/\\":
        text = text.replace(forbidden, " ")
    return text[:31]


def write_sheets(sheets, destination):
    """Plain tables, one sheet each (reports, summaries): ``sheets`` is [(title, [Column], rows)]."""
    book = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(_sheet_title(str(title)))
        _prepare(sheet, columns)
        count = 0
        for row in rows:
            sheet.append([safe_text(v) if isinstance(v, str) else v for v in row])
            count += 1
        _finish(sheet, columns, count)
    book.save(destination)
