"""Who sees which contracts, who writes which fields, who makes which transition.

Every page, action, export, PDF and API answer about contracts asks this module. A user holding
several roles gets the union of what each role grants. Roles (page access) live in ``app.roles``;
this module decides on rows and fields.
"""
from flask import current_app, g, has_request_context
from sqlalchemy import and_, false, or_, select, true

from app import roles as R
from app.api.models import ServiceAccount, service_account_faculty
from app.campaign import student_edits_open
from app.contracts.models import DRAFT, RETURNED, SIGNED, SUBMITTED, Contract
from app.people.models import (
    DetuAssignment,
    Programme,
    RegistrarAssignment,
    Registration,
    Student,
    TeacherAssignment,
)
from app.request_reads import once_per_request

# Field groups of a contract, by who writes them.
STUDENT_FIELDS = frozenset(
    {
        "study_plan",
        "accommodations",
        "needs_details",
        "gap_year",
        "gap_year_details",
        "second_programme_label",
        "second_programme_level",
        "second_programme_institution",
        "pec_acknowledged",
        "charter_accepted",
    }
)
DETU_FIELDS = frozenset(
    {"remediations", "support_hours", "advance_courses", "path_notes", "accommodation_hours"}
)
COMMENT_FIELDS = frozenset({"comment"})

SUBMIT, SIGN, RETURN = "submit", "sign", "return"

# Roles that read every contract of the institution.
_READ_ALL = (R.ADMIN, R.REFERENT, R.COUNSELLOR)


def roles_of(user):
    """The names of the roles a user holds, directly or through groups (cached per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_policy_roles", {}) if has_request_context() else {}
    if user.id not in cache:
        names = {role.name for role in user.roles}
        for group in getattr(user, "groups", None) or []:
            names.update(role.name for role in group.roles)
        cache[user.id] = frozenset(names)
    return cache[user.id]


def has_role(user, *names):
    return bool(roles_of(user) & set(names))


def role_holders(name):
    """SQL condition on accounts holding the role ``name``, directly or through a group (as ``roles_of``)."""
    sm = current_app.appbuilder.sm
    named = sm.role_model.name == name
    return or_(sm.user_model.roles.any(named), sm.user_model.groups.any(sm.group_model.roles.any(named)))


def is_staff(user):
    return has_role(user, *R.STAFF_ROLES)


def can_audit_reads(user):
    """The log of who read which contract: administrators and the data protection officer."""
    return has_role(user, R.ADMIN, R.DATA_PROTECTION)


def can_configure(user):
    """Settings, catalogue, assignments and the data lists from the student information system."""
    return has_role(user, R.ADMIN, R.REFERENT)


def can_requeue_mail(user):
    """The outbox's « send again »: administrators, who read the outbox."""
    return has_role(user, R.ADMIN)


def has_notifications(user):
    """In-app notifications and the counter of contracts to sign: students and directors of studies."""
    return has_role(user, R.DETU, R.STUDENT)


# --- Which contracts -------------------------------------------------------------------------


def _detu_programme_ids(user):
    return select(DetuAssignment.programme_id).where(DetuAssignment.user_id == user.id)


def _registrar_programme_ids(user):
    faculties = select(RegistrarAssignment.faculty_id).where(RegistrarAssignment.user_id == user.id)
    return select(Programme.id).where(Programme.faculty_id.in_(faculties))


def visible_contracts(user):
    """A SQL condition on Contract selecting what the user may read.

    Anonymised contracts belong to nobody any more: no one reads them one by one, they only count
    in statistics (``counted_contracts``).
    """
    return and_(Contract.anonymised_at.is_(None), counted_contracts(user))


def counted_contracts(user):
    """A SQL condition on Contract selecting what the user's statistics count: their scope,
    anonymised contracts included."""
    return _scope(user, Contract.programme_id, Contract.student_id)


def visible_registrations(user):
    """A SQL condition on Registration: the same rule as the contracts, on a registration's
    programme and student (reports count registered students who have no contract yet)."""
    return _scope(user, Registration.programme_id, Registration.student_id)


def _scope(user, programme_id, student_id):
    """Who reads which rows, for any row that belongs to a programme and a student."""
    held = roles_of(user)
    if held & set(_READ_ALL):
        return true()
    clauses = []
    if R.STUDENT in held:
        clauses.append(student_id.in_(select(Student.id).where(Student.user_id == user.id)))
    if R.DETU in held:
        clauses.append(programme_id.in_(_detu_programme_ids(user)))
    if R.TEACHER in held:
        clauses.append(
            student_id.in_(
                select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == user.id)
            )
        )
    if R.REGISTRAR in held:
        clauses.append(programme_id.in_(_registrar_programme_ids(user)))
    if R.API_READER in held:
        clauses.append(_service_account_clause(user, programme_id))
    return or_(*clauses) if clauses else false()


def contracts_query(user):
    """SELECT of the contracts the user may read; callers add their own filters and order."""
    return select(Contract).where(visible_contracts(user))


def readable_contracts(user, ids, *options):
    """The contracts of ``ids`` the user may read, as {id: contract}: the ONE read of contracts by id.

    Same SQL rule as every list (``visible_contracts``), so a detail page, a PDF, an API answer or
    a bulk action can never see more than the lists show. A contract the user may not read is
    simply absent. ``options`` are loader options (what the caller is about to show)."""
    wanted = {key for key in map(_row_id, ids) if key is not None}
    if not wanted:
        return {}
    rows = _session().scalars(
        select(Contract).where(Contract.id.in_(wanted), visible_contracts(user)).options(*options)
    ).unique()
    return {contract.id: contract for contract in rows}


def readable_contract(user, pk, *options):
    """One contract by id if the user may read it, else None (through ``readable_contracts``)."""
    key = _row_id(pk)
    return readable_contracts(user, [key], *options).get(key) if key is not None else None


def _row_id(value):
    """A row id as typed in a URL or a form, or None (never an error, never beyond the column)."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if 0 < key < 2**31 else None


def visible_students(user):
    """A SQL condition on Student: whose staff page a user may open.

    The students of the contracts they may read, those of their own record rule below, and a
    referent teacher's students (even before a contract). Students use their own pages."""
    held = roles_of(user)
    if held & set(_READ_ALL):
        return true()
    if not held & set(R.STAFF_ROLES):
        return false()
    clauses = [Student.id.in_(select(Contract.student_id).where(visible_contracts(user))), records_visible(user)]
    if R.TEACHER in held:
        clauses.append(Student.id.in_(select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == user.id)))
    return or_(*clauses)


def records_visible(user):
    """A SQL condition on Student: whose registrations from Apogée a user may see — administrators
    and referents, a DETU or registrar for the students registered in their programmes or
    faculties. Teachers and counsellors see only what the contract shows."""
    held = roles_of(user)
    if held & {R.ADMIN, R.REFERENT}:
        return true()
    programmes = []
    if R.DETU in held:
        programmes.append(_detu_programme_ids(user))
    if R.REGISTRAR in held:
        programmes.append(_registrar_programme_ids(user))
    clauses = [
        Student.id.in_(select(Registration.student_id).where(Registration.programme_id.in_(ids)))
        for ids in programmes
    ] + [
        Student.id.in_(select(Contract.student_id).where(Contract.programme_id.in_(ids))) for ids in programmes
    ]
    return or_(*clauses) if clauses else false()


def read_student(user, student_id):
    """The student of this id if the user may open their staff page, else None."""
    key = _row_id(student_id)
    if key is None:
        return None
    return _session().scalar(select(Student).where(Student.id == key, visible_students(user)))


def sees_record_of(user, student):
    return _session().scalar(select(Student.id).where(Student.id == student.id, records_visible(user))) is not None


def is_own(user, contract):
    return contract.student is not None and contract.student.user_id == user.id


def is_detu_of(user, programme_id):
    return programme_id in detu_programme_ids(user)


def detu_programme_ids(user):
    if not has_role(user, R.DETU):
        return frozenset()
    return _cached(
        "detu_programmes",
        user,
        lambda: frozenset(
            _session().scalars(_detu_programme_ids(user)).all()
        ),
    )


def registrar_programme_ids(user):
    if not has_role(user, R.REGISTRAR):
        return frozenset()
    return _cached(
        "registrar_programmes", user, lambda: frozenset(_session().scalars(_registrar_programme_ids(user)).all())
    )


def registrar_faculty_ids(user):
    if not has_role(user, R.REGISTRAR):
        return frozenset()
    return _cached(
        "registrar_faculties",
        user,
        lambda: frozenset(
            _session()
            .scalars(
                select(RegistrarAssignment.faculty_id).where(RegistrarAssignment.user_id == user.id)
            )
            .all()
        ),
    )


# --- Which fields ------------------------------------------------------------------------------


def writable_fields(user, contract, today=None):
    """The contract fields this user may change now (empty when read-only for them)."""
    fields = set()
    held = roles_of(user)
    if contract.status == SIGNED:
        # A signed contract is read-only; only the counsellor's comment lives outside it.
        return frozenset(COMMENT_FIELDS) if held & {R.COUNSELLOR, R.ADMIN} else frozenset()
    if (
        R.STUDENT in held
        and is_own(user, contract)
        and contract.status in (DRAFT, RETURNED)
        and student_edits_open(contract.year, today)
    ):
        fields |= STUDENT_FIELDS
    if (R.DETU in held and is_detu_of(user, contract.programme_id)) or R.ADMIN in held:
        fields |= DETU_FIELDS
    if held & {R.COUNSELLOR, R.ADMIN}:
        fields |= COMMENT_FIELDS
    return frozenset(fields)


def can_edit_as_detu(user, contract):
    return bool(writable_fields(user, contract) & DETU_FIELDS)


# --- Which transitions -------------------------------------------------------------------------


def transition_refusal(user, contract, transition, impersonating=False, today=None):
    """Why ``user`` may not make ``transition`` now, or None when they may.

    Only who-may-do-what is decided here; whether the contract's content is complete is the
    workflow's business.
    """
    from flask_babel import gettext as _

    if impersonating and transition in (SUBMIT, SIGN, RETURN):
        return _("This action is refused while acting as another user: only the person themselves validates, signs or returns a contract.")
    held = roles_of(user)
    if transition == SUBMIT:
        if not (R.STUDENT in held and is_own(user, contract)):
            return _("Only the student can validate their contract.")
        if contract.status not in (DRAFT, RETURNED):
            return _("This contract has already been validated.")
        if not student_edits_open(contract.year, today):
            return _("The campaign is closed: the contract can no longer be validated.")
        return None
    if transition in (SIGN, RETURN):
        if not (R.DETU in held and is_detu_of(user, contract.programme_id)):
            return _("Only a director of studies of this programme can do this.")
        if contract.status != SUBMITTED:
            return _("Only a contract validated by the student can be signed or returned.")
        return None
    return _("Unknown action.")


def signs_contracts(user):
    """Whether contracts may wait for this user's signature: a director of studies (the programmes
    they direct decide which ones)."""
    return has_role(user, R.DETU)


def awaiting_signature(user):
    """A SQL condition on Contract: what waits for this user's signature (counters, « next to sign »).

    The set form of SIGN's rule above: validated by the student, in a programme the user directs."""
    if not signs_contracts(user):
        return false()
    return (Contract.status == SUBMITTED) & Contract.programme_id.in_(_detu_programme_ids(user))


def allowed_transitions(user, contract, impersonating=False, today=None):
    return [
        t
        for t in (SUBMIT, SIGN, RETURN)
        if transition_refusal(user, contract, t, impersonating, today) is None
    ]


# --- Beyond the contract -----------------------------------------------------------------------


def can_see_sis_record(user, contract):
    """Registrations, pedagogical registrations and results from Apogée.

    Teachers and counsellors see only what the contract shows, so not this.
    """
    held = roles_of(user)
    if held & {R.ADMIN, R.REFERENT}:
        return True
    if R.STUDENT in held and is_own(user, contract):
        return True
    if R.DETU in held and is_detu_of(user, contract.programme_id):
        return True
    if R.API_READER in held and _in_service_account_scope(user, contract):
        return True
    return R.REGISTRAR in held and contract.programme_id in registrar_programme_ids(user)


# --- Which parts of a contract a reader gets (field-level reads) ------------------------------
# The caller has already checked that the user may read the contract.


def can_read_comment(user, contract):
    """The counsellor's comment goes to the people who read it on the contract's pages, never to
    a machine client: other systems get the contract as the PDF shows it, without the comment."""
    return bool(roles_of(user) & set(R.PEOPLE_ROLES))


def can_read_health_needs(user, contract):
    """Health-related specific needs (and the student's free text about their needs): every person
    who reads the contract's pages sees them; a machine client only when its purpose needs them."""
    if roles_of(user) & set(R.PEOPLE_ROLES):
        return True
    account = service_account_of(user)
    return account is not None and account.health_needs


# --- Machine clients (service accounts, app.api.models) ---------------------------------------


def service_account_of(user):
    if not has_role(user, R.API_READER):
        return None
    return _cached(
        "service_account",
        user,
        lambda: _session().scalar(select(ServiceAccount).where(ServiceAccount.user_id == user.id)),
    )


def _service_account_clause(user, programme_id):
    account = service_account_of(user)
    if account is None:
        return false()
    if account.all_faculties:
        return true()
    faculties = select(service_account_faculty.c.faculty_id).where(
        service_account_faculty.c.service_account_id == account.id
    )
    return programme_id.in_(select(Programme.id).where(Programme.faculty_id.in_(faculties)))


def _in_service_account_scope(user, contract):
    account = service_account_of(user)
    if account is None:
        return False
    return account.all_faculties or contract.programme.faculty_id in {f.id for f in account.faculties}


def exportable_faculty_ids(user):
    """Faculties whose extraction the user may download: None means all of them."""
    held = roles_of(user)
    if held & {R.ADMIN, R.REFERENT}:
        return None
    return registrar_faculty_ids(user)


def can_export_faculty(user, faculty_id):
    allowed = exportable_faculty_ids(user)
    return allowed is None or faculty_id in allowed


# --- Reports -----------------------------------------------------------------------------------


def sees_health_statistics(user):
    """Health-related specific needs in reports, and small counts unmasked: institution-wide roles."""
    return has_role(user, R.ADMIN, R.REFERENT)


def can_send_reminders(user):
    """E-mail reminders to students of the user's scope (a report's action)."""
    return has_role(user, R.ADMIN, R.REFERENT, R.REGISTRAR, R.DETU)


def can_remind_detus(user):
    """E-mail reminders to the DETUs of contracts waiting for a signature: the roles above them."""
    return has_role(user, R.ADMIN, R.REFERENT, R.REGISTRAR)


def student_record(user):
    """The Student linked to this account, if any."""
    if not has_role(user, R.STUDENT):
        return None
    return _cached(
        "student",
        user,
        lambda: _session().scalar(select(Student).where(Student.user_id == user.id)),
    )


# --- helpers -----------------------------------------------------------------------------------


def _session():
    from app.extensions import db

    return db.session


def _cached(name, user, compute):
    return once_per_request(("policy", name, user.id), compute)
