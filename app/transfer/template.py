"""The Excel template for importing past contracts: its columns, their help, the codes to use."""
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from app.catalog.models import Accommodation, Remediation
from app.contracts.labels import STATUS_LABELS
from app.contracts.models import DRAFT, RETURNED, SIGNED, SUBMITTED
from app.extensions import db
from app.spreadsheet import safe_text


@dataclass(frozen=True)
class Column:
    name: str  # the header, the same in every language
    help: object
    example: str
    codes: tuple = ()  # the values the column accepts, shown after the help


COLUMNS = [
    Column("student_number", _l("Student number in Apogée; the student must have been synced. Required."), "22000123"),
    Column("year", _l("Academic year of the contract: 2024 means 2024-2025. Past years only. Required."), "2024"),
    Column("programme", _l("Programme (VET) code and version, as in Apogée: step code, a dash, version. Required."), "L1MATH-101"),
    Column("status", _l("The contract's status, one of these codes or French words. Required."), "signed",
           ("draft", "submitted", "returned", "signed", "brouillon", "validé", "renvoyé", "signé")),
    Column("study_plan", _l("The student's study plan. Required for a submitted or signed contract."),
           "Devenir professeur des écoles."),
    Column("needs", _l("Specific needs: codes of the « Codes » sheet, each followed by « : » and its hours, separated by « ; ». Hours are required on a signed contract for needs that require them."),
           "RSE01:12; RSE07:6"),
    Column("remediations", _l("Remediations: labels of the « Codes » sheet, each followed by « : » and its hours (the catalogue's hours when left out), separated by « ; »."),
           "Tutorat par un étudiant avancé:12"),
    Column("support_hours", _l("Subject support hours; may be empty."), "10"),
    Column("signed_on", _l("Date of signature (a date cell or YYYY-MM-DD). Required for a signed contract, empty otherwise."), "2024-10-15"),
    Column("signer", _l("Login of the director of studies who signed; the account must exist. Required for a signed contract, empty otherwise."), "detu"),
]

# What the status column accepts: codes, and the French words referents use.
STATUS_WORDS = {
    DRAFT: DRAFT, "brouillon": DRAFT,
    SUBMITTED: SUBMITTED, "validé": SUBMITTED, "valide": SUBMITTED,
    RETURNED: RETURNED, "renvoyé": RETURNED, "renvoye": RETURNED,
    SIGNED: SIGNED, "signé": SIGNED, "signe": SIGNED,
}

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def template_workbook():
    """The .xlsx bytes: the sheet to fill in, the help of each column, the codes to use."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_l("Contracts"))[:31]
    sheet.append([c.name for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (16, 8, 14, 10, 40, 24, 34, 10, 12, 12)):
        sheet.column_dimensions[letter].width = width
    _help_sheet(book.create_sheet(str(_l("Help"))[:31]))
    _codes_sheet(book.create_sheet("Codes"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _help_sheet(sheet):
    sheet.append([str(_l("Column")), str(_l("What to write")), str(_l("Example"))])
    for cell in sheet[1]:
        cell.font = BOLD
    for column in COLUMNS:
        codes = ": " + ", ".join(column.codes) if column.codes else ""
        sheet.append([column.name, str(column.help) + codes, safe_text(column.example)])
    sheet.append([])
    sheet.append(["", str(_l("One row per contract. The whole file is checked before anything is imported: if a row is wrong, nothing is imported and every wrong row is listed. Importing the same file again changes nothing."))])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 90
    sheet.column_dimensions["C"].width = 36
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAP


def _codes_sheet(sheet):
    sheet.append([str(_l("Specific need code")), str(_l("Label")), str(_l("Hour volume required"))])
    for need in db.session.scalars(select(Accommodation).order_by(Accommodation.position, Accommodation.code)):
        sheet.append([need.code, safe_text(need.label), str(_l("Yes")) if need.hours_required else str(_l("No"))])
    sheet.append([])
    sheet.append([str(_l("Remediation")), str(_l("Type")), str(_l("Hours"))])
    for remediation in db.session.scalars(select(Remediation).order_by(Remediation.kind, Remediation.label)):
        sheet.append([safe_text(remediation.label), remediation.kind,
                      float(remediation.hours) if remediation.hours is not None else None])
    sheet.append([])
    sheet.append([str(_l("Status")), str(_l("Label"))])
    for status, label in STATUS_LABELS.items():
        sheet.append([status, str(label)])
    for letter, width in zip("ABC", (40, 40, 20)):
        sheet.column_dimensions[letter].width = width
