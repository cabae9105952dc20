"""Changing a contract's fields: the student's part, the DETU's part and the counsellor's comment.

Each function checks the policy and the optimistic-lock version, validates everything before
changing anything, then commits. Invalid input raises ``Incomplete`` with one message per field and
leaves the contract untouched; a stale version raises ``StaleContract``.
"""
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.catalog.models import GAP_YEAR_CHOICES, Accommodation, Remediation
from app.catalog.service import current_settings
from app.contracts.errors import Incomplete, NotAllowed, StaleContract
from app.contracts.models import AdvanceCourse, ContractAccommodation, ContractRemediation
from app.extensions import db
from app.people.models import utcnow

SHORT_TEXT = 250


class _Checker:
    """Collects one problem per field while reading raw form values."""

    def __init__(self):
        self.problems = []

    def fail(self, field, message):
        self.problems.append((field, message))

    def text(self, field, value, limit=None, required=False):
        value = (value or "").replace("\r\n", "\n")
        limit = limit or current_app.config["MAX_TEXT_LENGTH"]
        if len(value) > limit:
            self.fail(field, _l("This text is too long (%(max)s characters at most).", max=limit))
        if required and not value.strip():
            self.fail(field, _l("This field is required."))
        return value

    def hours(self, field, value, required=False, maximum=None):
        raw = (str(value) if value is not None else "").strip().replace(",", ".")
        if raw == "":
            if required:
                self.fail(field, _l("Give an hour volume."))
            return None
        try:
            number = Decimal(raw)
        except InvalidOperation:
            self.fail(field, _l("Give a number of hours."))
            return None
        maximum = Decimal(maximum if maximum is not None else current_app.config["MAX_HOURS"])
        if not number.is_finite() or number <= 0 or number > maximum:
            self.fail(field, _l("Give a number of hours between 0 and %(max)s.", max=maximum.normalize()))
            return None
        return number.quantize(Decimal("0.1"))

    def check(self):
        if self.problems:
            raise Incomplete(self.problems)


def _check_access(user, contract, needed, today=None):
    allowed = policy.writable_fields(user, contract, today)
    if not (allowed & needed):
        raise NotAllowed(_l("You cannot change this contract."))
    return allowed


def _check_version(contract, expected_version):
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise StaleContract(_l("This form is out of date: reload the contract.")) from None
    if expected != contract.version:
        raise StaleContract(
            _l("Someone saved this contract while you were editing it. Your text is kept below but was not saved: check the saved version, then save again.")
        )


def _commit(contract):
    contract.updated_at = utcnow()  # always UPDATE the row, so the version moves on
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleContract(
            _l("Someone saved this contract at the same moment. Your text is kept below but was not saved: check the saved version, then save again.")
        ) from None


def save_student_part(contract, user, form, expected_version, today=None):
    """The student's fields, from a mapping of raw form values (``accommodations``: list of ids).

    ``today`` decides whether the campaign is open (tests and the demo's replay of last year)."""
    _check_access(user, contract, policy.STUDENT_FIELDS, today)
    _check_version(contract, expected_version)
    c = _Checker()
    values = {
        "study_plan": c.text("study_plan", form.get("study_plan")),
        "needs_details": c.text("needs_details", form.get("needs_details")),
        "gap_year_details": c.text("gap_year_details", form.get("gap_year_details")),
    }
    gap_year = form.get("gap_year") or "none"
    if gap_year not in GAP_YEAR_CHOICES:
        c.fail("gap_year", _l("Choose one of the options."))
    values["gap_year"] = gap_year
    if not contract.second_programme_from_sis:
        for name in ("second_programme_label", "second_programme_level", "second_programme_institution"):
            values[name] = c.text(name, form.get(name), limit=SHORT_TEXT)
    chosen = _chosen_accommodations(c, form.get("accommodations") or [], contract)
    c.check()

    for name, value in values.items():
        setattr(contract, name, value)
    contract.pec_acknowledged = _checked(form.get("pec_acknowledged"))
    _set_charter(contract, _checked(form.get("charter_accepted")))
    kept = {item.accommodation_id: item for item in contract.accommodations}
    contract.accommodations = [
        kept.get(a.id) or ContractAccommodation(accommodation=a) for a in chosen
    ]
    _commit(contract)
    return contract


def _chosen_accommodations(c, raw_ids, contract):
    try:
        ids = {int(i) for i in raw_ids}
    except (TypeError, ValueError):
        c.fail("accommodations", _l("Unknown specific need."))
        return []
    if not ids:
        return []
    rows = db.session.scalars(select(Accommodation).where(Accommodation.id.in_(ids))).all()
    already = {item.accommodation_id for item in contract.accommodations}
    usable = [a for a in rows if a.active or a.id in already]
    if len(usable) != len(ids):
        c.fail("accommodations", _l("Unknown specific need."))
    return sorted(usable, key=lambda a: (a.position, a.id))


def _set_charter(contract, accepted):
    if accepted and not contract.charter_accepted:
        contract.charter_accepted = True
        contract.charter_accepted_at = utcnow()
        contract.charter_text = current_settings().charter_html
    elif not accepted:
        contract.charter_accepted = False
        contract.charter_accepted_at = None
        contract.charter_text = None


def _checked(value):
    return str(value).lower() in ("1", "on", "true", "yes", "y", "oui")


def save_detu_part(contract, user, form, expected_version):
    """The DETU's fields. ``form`` holds ``hours_<accommodation line id>``, parallel lists
    ``remediation_id``/``remediation_hours`` and ``course_code``/``course_label``/``course_ects``,
    ``support_hours`` and ``path_notes``."""
    _check_access(user, contract, policy.DETU_FIELDS)
    _check_version(contract, expected_version)
    c = _Checker()
    hours = {
        item.id: c.hours(
            f"hours_{item.id}",
            form.get(f"hours_{item.id}"),
            maximum=item.accommodation.max_hours,
        )
        for item in contract.accommodations
    }
    support_hours = c.hours("support_hours", form.get("support_hours"))
    path_notes = c.text("path_notes", form.get("path_notes"))
    remediations = _remediation_rows(c, form, contract)
    courses = _course_rows(c, form)
    c.check()

    for item in contract.accommodations:
        item.hours = hours[item.id]
    contract.support_hours = support_hours
    contract.path_notes = path_notes
    contract.remediations = [ContractRemediation(remediation=r, hours=h) for r, h in remediations]
    contract.advance_courses = [AdvanceCourse(code=code, label=label, ects=ects) for code, label, ects in courses]
    _commit(contract)
    return contract


def _rows(form, *names):
    columns = [list(form.get(name) or []) for name in names]
    length = max((len(col) for col in columns), default=0)
    for col in columns:
        col.extend([""] * (length - len(col)))
    return list(zip(*columns))


def _remediation_rows(c, form, contract):
    rows = []
    catalogue = {r.id: r for r in db.session.scalars(select(Remediation)).all()}
    # A deactivated remediation stays where it was chosen, but is never chosen anew.
    already = {item.remediation_id for item in contract.remediations}
    for index, (raw_id, raw_hours) in enumerate(_rows(form, "remediation_id", "remediation_hours")):
        if not str(raw_id).strip() and not str(raw_hours).strip():
            continue
        try:
            remediation = catalogue[int(raw_id)]
        except (KeyError, ValueError):
            remediation = None
        if remediation is None or not (remediation.active or remediation.id in already):
            c.fail(f"remediation_{index}", _l("Choose a remediation from the list."))
            continue
        hours = c.hours(f"remediation_{index}", raw_hours, required=True)
        rows.append((remediation, hours))
    return rows


def _course_rows(c, form):
    rows = []
    for index, (code, label, ects) in enumerate(_rows(form, "course_code", "course_label", "course_ects")):
        code, label, ects = (str(code).strip(), str(label).strip(), str(ects).strip())
        if not (code or label or ects):
            continue
        if not label:
            c.fail(f"course_{index}", _l("Give the title of the course."))
        c.text(f"course_{index}", label, limit=SHORT_TEXT)
        c.text(f"course_{index}", code, limit=16)
        credits = c.hours(f"course_{index}", ects, maximum=60) if ects else None
        rows.append((code, label, credits))
    return rows


def save_comment(contract, user, comment, expected_version):
    """The guidance counsellor's comment: visible to the student, never in the PDF."""
    _check_access(user, contract, policy.COMMENT_FIELDS)
    _check_version(contract, expected_version)
    c = _Checker()
    comment = c.text("comment", comment)
    c.check()
    contract.comment = comment
    contract.comment_by_id = user.id
    contract.comment_at = utcnow()
    _commit(contract)
    return contract
