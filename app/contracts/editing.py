"""Changing a contract's fields: the student's part, the DETU's part and the counsellor's comment.

Each function checks the policy and the optimistic-lock version, validates everything with the
part's form class (``app.contracts.forms``) before changing anything, then commits. Invalid input
raises ``Incomplete`` with one message per field and leaves the contract untouched; a stale version
raises ``StaleContract``. Values come as a request's form or a plain mapping (lists for repeated
fields).
"""
import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.catalog.models import Accommodation, Remediation
from app.campaign import current_settings
from app.contracts import forms
from app.contracts.errors import Incomplete, NotAllowed, StaleContract
from app.contracts.models import (
    AdvanceCourse,
    CharterVersion,
    ContractAccommodation,
    ContractComment,
    ContractRemediation,
)
from app.extensions import db
from app.people.models import utcnow


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


def student_form(contract, formdata):
    """The student's form on posted values; the needs offered are the active ones and those chosen."""
    chosen = [item.accommodation_id for item in contract.accommodations]
    allowed = db.session.scalars(
        select(Accommodation.id).where(or_(Accommodation.active.is_(True), Accommodation.id.in_(chosen)))
    ).all()
    return forms.StudentPartForm(forms.as_formdata(formdata), allowed)


def save_student_part(contract, user, formdata, expected_version, today=None):
    """The student's fields. ``today`` decides whether the campaign is open (tests and the demo's
    replay of last year)."""
    _check_access(user, contract, policy.STUDENT_FIELDS, today)
    _check_version(contract, expected_version)
    form = student_form(contract, formdata)
    if not form.validate():
        raise Incomplete(forms.problems(form), form)
    _apply_student_part(contract, form)
    _commit(contract)
    return contract


def _apply_student_part(contract, form):
    for name in ("study_plan", "needs_details", "gap_year_details"):
        setattr(contract, name, getattr(form, name).data or "")
    contract.gap_year = form.gap_year.data or "none"
    if not contract.second_programme_from_sis:  # what Apogée says stays as Apogée says it
        for name in ("second_programme_label", "second_programme_level", "second_programme_institution"):
            setattr(contract, name, (getattr(form, name).data or "").strip())
    contract.pec_acknowledged = bool(form.pec_acknowledged.data)
    _set_charter(contract, bool(form.charter_accepted.data))
    _set_needs(contract, form.accommodations.ids)


def _set_needs(contract, ids):
    """The needs ticked, in the catalogue's order; those already there keep their hours."""
    needs = db.session.scalars(select(Accommodation).where(Accommodation.id.in_(ids))).all() if ids else []
    kept = {item.accommodation_id: item for item in contract.accommodations}
    contract.accommodations = [
        kept.get(a.id) or ContractAccommodation(accommodation=a) for a in sorted(needs, key=lambda a: (a.position, a.id))
    ]


def _set_charter(contract, accepted):
    if accepted and not contract.charter_accepted:
        contract.charter_accepted = True
        contract.charter_accepted_at = utcnow()
        contract.charter_version = charter_version(current_settings().charter_html)
    elif not accepted:
        contract.charter_accepted = False
        contract.charter_accepted_at = None
        contract.charter_version = None


def charter_version(html):
    """The stored version of this charter text, added the first time a student accepts it."""
    digest = hashlib.sha256((html or "").encode("utf-8")).hexdigest()
    found = db.session.scalar(select(CharterVersion).where(CharterVersion.sha256 == digest))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():  # another student may accept the same new text right now
            found = CharterVersion(sha256=digest, html=html or "")
            db.session.add(found)
    except IntegrityError:
        found = db.session.scalar(select(CharterVersion).where(CharterVersion.sha256 == digest))
    return found


def remediation_choices(contract):
    """The remediations a DETU may put on this contract: active ones and those already on it."""
    present = [r.remediation_id for r in contract.remediations]
    return db.session.scalars(
        select(Remediation)
        .where(or_(Remediation.active.is_(True), Remediation.id.in_(present)))
        .order_by(Remediation.kind, Remediation.label)
    ).all()


def save_detu_part(contract, user, formdata, expected_version):
    """The DETU's fields: ``needs-N-line``/``needs-N-hours`` (hours of each specific need),
    ``remediations-N-remediation``/``-hours``, ``advance_courses-N-code``/``-label``/``-ects``,
    ``support_hours`` and ``path_notes``."""
    _check_access(user, contract, policy.DETU_FIELDS)
    _check_version(contract, expected_version)
    form = forms.detu_form(contract, remediation_choices(contract), formdata)
    if not form.validate():
        raise Incomplete(forms.problems(form), form)

    for item in contract.accommodations:
        item.hours = form.line_hours.get(item.id)
    contract.support_hours = form.support_hours.number
    contract.path_notes = form.path_notes.data or ""
    contract.remediations = [ContractRemediation(remediation=r, hours=h) for r, h in form.chosen_remediations]
    contract.advance_courses = [
        AdvanceCourse(code=code, label=label, ects=ects) for code, label, ects in form.chosen_courses
    ]
    _commit(contract)
    return contract


def save_comment(contract, user, comment, expected_version):
    """The guidance counsellor's comment: visible to the student, never in the PDF."""
    _check_access(user, contract, policy.COMMENT_FIELDS)
    _check_version(contract, expected_version)
    form = forms.CommentForm(forms.as_formdata({"comment": comment}))
    if not form.validate():
        raise Incomplete(forms.problems(form))
    contract.comment = form.comment.data or ""
    contract.comment_by_id = user.id
    contract.comment_at = utcnow()
    db.session.add(ContractComment(contract_id=contract.id, text=contract.comment, author_id=user.id,
                                   at=contract.comment_at))
    _commit(contract)
    return contract


def comment_history(contract):
    """Every version of the comment, newest first (the current one included)."""
    return db.session.scalars(
        select(ContractComment).where(ContractComment.contract_id == contract.id)
        .order_by(ContractComment.at.desc(), ContractComment.id.desc())
    ).all()
