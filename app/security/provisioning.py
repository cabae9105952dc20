"""From a directory Person to an application account: names, roles (with their origin), student record.

Roles come from two places and both are kept: the directory's groups (through the group → role
mapping, recomputed at every login) and grants made inside the application (kept across logins).
``RoleSource`` rows remember which is which.
"""
import json
import logging

from ldap3.utils.dn import parse_dn
from sqlalchemy import delete, select

from app import roles as R
from app.extensions import db
from app.people.models import Student
from app.security.directory import Person
from app.security.models import APPLICATION, DIRECTORY, RoleSource

log = logging.getLogger(__name__)

# Lengths of FAB's ab_user columns.
NAME_MAX, EMAIL_MAX = 64, 320


# --- group → role mapping ----------------------------------------------------------------------


def normalize_dn(dn):
    """A DN in one spelling: attribute names and values lower-cased, no spaces around separators."""
    try:
        parts = parse_dn(dn.strip(), escape=False, strip=True)
    except Exception:  # not a DN (e.g. a bare group name): compare it as text
        return " ".join(dn.split()).lower()
    return ",".join(f"{attr.strip().lower()}={value.strip().lower()}" for attr, value, _sep in parts)


def _first_rdn_value(dn):
    try:
        return parse_dn(dn.strip(), escape=False, strip=True)[0][1].strip().lower()
    except Exception:
        return None


def parse_role_mapping(raw):
    """``LDAP_ROLE_MAPPING`` (JSON text or dict) → {normalized group DN or cn: frozenset(role names)}.

    Keys are group DNs, or bare group names compared to the group's first RDN value (its cn).
    Raises ValueError with a readable reason when the setting is wrong.
    """
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"LDAP_ROLE_MAPPING is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError('LDAP_ROLE_MAPPING must be a JSON object: {"cn=…,ou=groups,…": ["DETU"]}')
    known = set(R.ALL_ROLES)
    mapping = {}
    for group, roles in raw.items():
        names = [roles] if isinstance(roles, str) else roles
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"LDAP_ROLE_MAPPING[{group!r}] must be a role name or a list of role names")
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(
                f"LDAP_ROLE_MAPPING[{group!r}] names unknown roles {unknown}; known: {', '.join(R.ALL_ROLES)}"
            )
        key = normalize_dn(group) if "=" in group else group.strip().lower()
        mapping[key] = mapping.get(key, frozenset()) | frozenset(names)
    return mapping


def roles_for_groups(groups, mapping):
    """The role names the directory grants to members of ``groups`` (DNs), case-insensitively."""
    names = set()
    for dn in groups:
        names |= mapping.get(normalize_dn(dn), frozenset())
        cn = _first_rdn_value(dn)
        if cn is not None:
            names |= mapping.get(cn, frozenset())
    return names


def directory_role_names(person, mapping, student_role):
    """Roles from the directory: mapped groups, plus the student role for anyone with a student number."""
    names = roles_for_groups(person.groups, mapping)
    if student_role and person.student_number:
        names.add(student_role)
    return names


def person_from_cas(identity, config):
    """A directory ``Person`` from the attributes the CAS server released (CAS_*_ATTRIBUTE)."""
    return Person(
        dn="",
        uid=identity.user,
        first_name=identity.first(config.get("CAS_FIRST_NAME_ATTRIBUTE")),
        last_name=identity.first(config.get("CAS_LAST_NAME_ATTRIBUTE")),
        email=identity.first(config.get("CAS_EMAIL_ATTRIBUTE")),
        student_number=identity.first(config.get("CAS_STUDENT_NUMBER_ATTRIBUTE")),
        groups=tuple(identity.all(config.get("CAS_GROUPS_ATTRIBUTE"))),
    )


# --- the account -------------------------------------------------------------------------------


def provision(sm, user, person, role_names):
    """Create or update the account of ``person`` and sync its directory roles; returns the user.

    ``user`` is the existing account (None for a first login). Commits.
    """
    first_name = (person.first_name or person.uid)[:NAME_MAX]
    last_name = (person.last_name or person.uid)[:NAME_MAX]
    email = _usable_email(sm, person, user)
    if user is None:
        user = sm.add_user(
            username=person.uid, first_name=first_name, last_name=last_name, email=email, role=[], commit=False
        )
        if not user:
            db.session.rollback()
            log.error("Could not create the account of %r", person.uid)
            return None
    else:
        user.first_name, user.last_name, user.email = first_name, last_name, email
    sync_directory_roles(sm, user, role_names)
    link_student(user, person.student_number)
    db.session.commit()
    return user


def _usable_email(sm, person, user):
    """The directory's address unless another account already has it (ab_user.email is unique)."""
    wanted = (person.email or "").strip()[:EMAIL_MAX]
    if wanted:
        owner = db.session.scalar(select(sm.user_model).where(sm.user_model.email == wanted))
        if owner is None or (user is not None and owner.id == user.id):
            return wanted
        log.warning("E-mail %s of %r already belongs to account %r", wanted, person.uid, owner.username)
    if user is not None and user.email:
        return user.email
    return f"{person.uid}@directory.invalid"[:EMAIL_MAX]


def sync_directory_roles(sm, user, role_names):
    """Give ``user`` exactly the directory's roles plus the roles granted in the application.

    A role the user holds that the directory did not give at the previous login was granted in
    the application: it is kept (and recorded as such). Does not commit.
    """
    sources = db.session.scalars(select(RoleSource).where(RoleSource.user_id == user.id)).all()
    from_directory = {s.role_id for s in sources if s.source == DIRECTORY}
    recorded_app = {s.role_id for s in sources if s.source == APPLICATION}
    held = {role.id: role for role in user.roles}
    granted_here = {rid for rid in held if rid not in from_directory or rid in recorded_app}

    wanted = {}
    for name in sorted(role_names):
        role = sm.find_role(name)
        if role is None:
            log.warning("Role %s from the directory mapping does not exist: run 'flask --app run seed'", name)
            continue
        wanted[role.id] = role
    user.roles = [held[rid] for rid in sorted(granted_here)] + [
        role for rid, role in wanted.items() if rid not in granted_here
    ]
    db.session.flush()  # the user has an id from here on
    db.session.execute(delete(RoleSource).where(RoleSource.user_id == user.id))
    db.session.add_all(RoleSource(user_id=user.id, role_id=rid, source=APPLICATION) for rid in granted_here)
    db.session.add_all(RoleSource(user_id=user.id, role_id=rid, source=DIRECTORY) for rid in wanted)


def record_application_grants(user):
    """After an administrator edits a user's roles: what they hold now and the directory did not
    give is an application grant; a role taken away loses its origin rows (the directory gives it
    back at the next login if its group still says so). Does not commit."""
    sources = db.session.scalars(select(RoleSource).where(RoleSource.user_id == user.id)).all()
    held = {role.id for role in user.roles}
    from_directory = {s.role_id for s in sources if s.source == DIRECTORY}
    for source in sources:
        if source.role_id not in held:
            db.session.delete(source)
    recorded = {(s.role_id, s.source) for s in sources}
    for rid in held - from_directory:
        if (rid, APPLICATION) not in recorded:
            db.session.add(RoleSource(user_id=user.id, role_id=rid, source=APPLICATION))


def role_origins(user):
    """{role name: sorted origins} for display; roles without a row were granted in the application."""
    rows = db.session.scalars(select(RoleSource).where(RoleSource.user_id == user.id)).all()
    by_role = {}
    for row in rows:
        by_role.setdefault(row.role_id, set()).add(row.source)
    return {role.name: sorted(by_role.get(role.id) or {APPLICATION}) for role in user.roles}


def link_student(user, student_number):
    """Link the account to the Student record with this number (the student number is the key).

    Returns the Student, or None when the number is unknown (the student pages then say that the
    registration is not known yet). Does not commit.
    """
    number = (student_number or "").strip()
    if not number:
        return None
    student = db.session.scalar(select(Student).where(Student.student_number == number))
    if student is None:
        return None
    if student.user_id != user.id:
        previous = db.session.scalar(select(Student).where(Student.user_id == user.id))
        if previous is not None:  # the account pointed at another record: the directory now says otherwise
            previous.user_id = None
            db.session.flush()
        if student.user_id is not None:
            log.warning("Student %s moves from account %s to %s (same student number)",
                        number, student.user_id, user.id)
        student.user_id = user.id
    if not student.directory_login:
        student.directory_login = user.username
    return student
