"""Human labels of the contract's codes, shared by pages, exports, PDFs and e-mails."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Validated by the student"),
    "returned": _l("Returned to the student"),
    "signed": _l("Signed"),
}
# What the student reads about their own contract (« Renvoyé à l'étudiant » would speak of them).
STUDENT_STATUS_LABELS = dict(STATUS_LABELS, submitted=_l("Validated, awaiting signature"),
                             returned=_l("Returned to you for changes"))
KIND_LABELS = {
    "initial": _l("Annual contract"),
    "reorientation": _l("Reorientation contract"),
    "double": _l("Contract of the second programme (double enrolment)"),
}
GAP_YEAR_LABELS = {"none": _l("No gap period"), "semester": _l("Gap semester"), "year": _l("Gap year")}

# The contract's sections in the legal order: every page, the PDF and the extraction follow it.
SECTIONS = [
    ("identity", _l("Identity and programme")),
    ("study_plan", _l("Study plan")),
    ("needs", _l("Specific needs")),
    ("support", _l("Support from the university")),
    ("gap_year", _l("Gap period (césure)")),
    ("second_programme", _l("Double enrolment")),
    ("pec", _l("Experience and skills portfolio (PEC)")),
    ("charter", _l("Charter")),
]


def translated(mapping):
    """``mapping`` with its lazy labels translated once (a list page shows them on every row)."""
    return {key: str(label) for key, label in mapping.items()}


def year_label(year):
    return f"{year}-{year + 1}"
