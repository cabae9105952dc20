"""The contract workflow: the only place where a contract is created or changes status.

draft → submitted (the student validates) → signed (a DETU of the programme signs);
submitted → returned (a DETU sends it back with a reason) → submitted.
Each transition checks who may make it (``app.policy``), writes a ContractEvent and, at validation
and signing, the SHA-256 of the contract's content.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.campaign import current_settings, student_edits_open
from app.contracts import document, signals
from app.contracts.errors import Incomplete, NotAllowed
from app.contracts.models import (
    DOUBLE,
    DRAFT,
    INITIAL,
    REORIENTATION,
    RETURNED,
    SIGNED,
    SUBMITTED,
    Contract,
    ContractAccommodation,
    ContractEvent,
)
from app.extensions import db
from app.people.models import utcnow
from app.sis.double_inscription import second_programme_from_registrations
from app.sis.prefill import prefill_needs

REASON_MAX_LENGTH = 2000


# --- Starting a contract -----------------------------------------------------------------------


def reorientation_registration(student, year):
    """The secondary registration that opens a reorientation contract, if the settings allow one."""
    settings = current_settings()
    code = (settings.reorientation_profile_code or "").strip()
    if not settings.reorientation_allowed or not code:
        return None
    return next(
        (
            r
            for r in student.registrations_for(year)
            if not r.is_primary and (r.profile_code or "").strip() == code
        ),
        None,
    )


def double_registration(student, year):
    """The secondary registration of a double enrolment that opens a second contract (V3), if the
    settings allow one: another programme than the primary one, not a reorientation."""
    if not current_settings().double_enrolment_contracts:
        return None
    primary = student.primary_registration(year)
    reorientation = reorientation_registration(student, year)
    return next(
        (
            r
            for r in student.registrations_for(year)
            if not r.is_primary and r is not reorientation
            and (primary is None or r.programme_id != primary.programme_id)
        ),
        None,
    )


def can_start(student, year, kind):
    """A second contract (reorientation, double enrolment) may be started now: allowed, eligible,
    not started, campaign open."""
    return (
        registration_for(student, year, kind) is not None
        and find_contract(student, year, kind) is None
        and student_edits_open(year)
    )


def registration_for(student, year, kind):
    """The registration a contract of this kind is generated from (primary for the initial one)."""
    if kind == REORIENTATION:
        return reorientation_registration(student, year)
    if kind == DOUBLE:
        return double_registration(student, year)
    return student.primary_registration(year)


def find_contract(student, year, kind=INITIAL):
    return db.session.scalar(
        select(Contract).where(
            Contract.student_id == student.id, Contract.year == year, Contract.kind == kind
        )
    )


def previous_contract(student, year):
    """The latest contract of an earlier year, the source of the carry-over."""
    return db.session.scalar(
        select(Contract)
        .where(Contract.student_id == student.id, Contract.year < year)
        .order_by(Contract.year.desc(), Contract.kind)
        .limit(1)
    )


def start_contract(student, year, kind, actor, impersonator=None):
    """Create the draft contract of a year, pre-filled from the previous year and from Apogée."""
    registration = registration_for(student, year, kind)
    if registration is None:
        if kind == REORIENTATION:
            raise NotAllowed(_("No reorientation contract can be started for this student."))
        if kind == DOUBLE:
            raise NotAllowed(_("No second contract can be started: no double enrolment is known, or the settings do not allow it."))
        raise NotAllowed(
            _("No primary registration is known for %(year)s: the contract cannot be started yet.",
              year=f"{year}-{year + 1}")
        )
    if find_contract(student, year, kind) is not None:
        raise NotAllowed(_("This contract already exists."))
    contract = Contract(
        student=student,
        year=year,
        kind=kind,
        programme_id=registration.programme_id,
        registration=registration,
        status=DRAFT,
    )
    previous = previous_contract(student, year)
    if previous is not None:
        contract.study_plan = previous.study_plan
        contract.needs_details = previous.needs_details
        for item in previous.accommodations:
            if item.accommodation.active:
                contract.accommodations.append(
                    ContractAccommodation(accommodation=item.accommodation, hours=item.hours)
                )
    prefill_needs(contract, registration)  # the arrangements the student information system knows
    second = second_programme_from_registrations(student, year, registration.programme_id)
    if second:
        for name, value in second.items():
            setattr(contract, name, value)
        contract.second_programme_from_sis = True
    db.session.add(contract)
    db.session.flush()
    _record(contract, None, DRAFT, actor, impersonator)
    db.session.commit()
    signals.contract_started.send(contract)
    return contract


# --- Transitions -------------------------------------------------------------------------------


def missing_for_submit(contract):
    """What the student must still provide before validating: [(field, message)]."""
    missing = []
    if not (contract.study_plan or "").strip():
        missing.append(("study_plan", _l("Describe your study plan.")))
    if not contract.charter_accepted:
        missing.append(("charter_accepted", _l("Accept the charter.")))
    return missing


def missing_for_sign(contract):
    """What the DETU must still provide before signing: every specific need needs an hour volume."""
    return [
        ("accommodation_hours", _l("Give an hour volume for « %(label)s ».", label=item.accommodation.label))
        for item in contract.accommodations
        if item.accommodation.hours_required and item.hours is None
    ]


def submit(contract, actor, impersonator=None, today=None):
    _check(actor, contract, policy.SUBMIT, impersonator, today)
    missing = missing_for_submit(contract)
    if missing:
        raise Incomplete(missing)
    moment = utcnow()
    contract.submitted_at = moment
    validated = document.live(contract, validated=(actor, moment))
    contract.submitted_hash = document.fingerprint(validated)
    _move(contract, SUBMITTED, actor, impersonator, at=moment, stored=validated)
    signals.contract_submitted.send(contract)
    return contract


def sign(contract, actor, impersonator=None):
    _check(actor, contract, policy.SIGN, impersonator)
    missing = missing_for_sign(contract)
    if missing:
        raise Incomplete(missing)
    moment = utcnow()
    contract.signed_at = moment
    contract.signed_by_id = actor.id
    # Frozen from now on: what the pages and the PDF show of a signed contract is this document.
    signed = document.live(contract, signed=(actor, moment))
    contract.signed_hash = document.fingerprint(signed)
    _move(contract, SIGNED, actor, impersonator, at=moment, stored=signed)
    signals.contract_signed.send(contract)
    return contract


def return_to_student(contract, actor, reason, impersonator=None):
    _check(actor, contract, policy.RETURN, impersonator)
    reason = (reason or "").strip()
    if not reason:
        raise Incomplete([("reason", _l("Give the reason why the contract is returned."))])
    if len(reason) > REASON_MAX_LENGTH:
        raise Incomplete(
            [("reason", _l("The reason is too long (%(max)s characters at most).", max=REASON_MAX_LENGTH))]
        )
    contract.returned_reason = reason
    _move(contract, RETURNED, actor, impersonator, reason=reason)
    signals.contract_returned.send(contract)
    return contract


# --- internals ---------------------------------------------------------------------------------


def _check(actor, contract, transition, impersonator, today=None):
    refusal = policy.transition_refusal(
        actor, contract, transition, impersonating=impersonator is not None, today=today
    )
    if refusal:
        raise NotAllowed(refusal)


def _move(contract, to_status, actor, impersonator, reason=None, at=None, stored=None):
    """Change the status, recording the event (with the document validated or signed, if any)."""
    from_status = contract.status
    contract.status = to_status
    _record(contract, from_status, to_status, actor, impersonator, reason, at, stored)
    db.session.commit()


def _record(contract, from_status, to_status, actor, impersonator, reason=None, at=None, stored=None):
    db.session.add(
        ContractEvent(
            contract_id=contract.id,
            actor_id=actor.id if actor is not None else None,
            impersonator_id=impersonator.id if impersonator is not None else None,
            from_status=from_status,
            to_status=to_status,
            at=at or utcnow(),
            reason=reason,
            content_hash=document.fingerprint(stored) if stored is not None else None,
            document=document.canonical(stored) if stored is not None else None,
        )
    )


__all__ = [
    "DRAFT",
    "RETURNED",
    "SIGNED",
    "SUBMITTED",
    "find_contract",
    "missing_for_sign",
    "missing_for_submit",
    "registration_for",
    "reorientation_registration",
    "return_to_student",
    "sign",
    "start_contract",
    "submit",
]
