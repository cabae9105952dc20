"""The application's roles, defined in code in one place.

Roles are Flask-AppBuilder *builtin* roles (``FAB_ROLES``): their permissions are regular expressions
matched in memory, so no permission rows live in the database and no permission query runs per page.
Each domain package may declare what its views grant in a ``permissions.py`` module holding
``PERMISSIONS = {role: [(view_name, permission_name), ...]}``; this module merges them, each named in
``_package_permissions`` (tests/test_code_health.py fails when one is left out).

Roles decide which *pages* a user may open; which *rows* they may see or change is decided by
``app.policy``.
"""
from flask_babel import lazy_gettext as _l

STUDENT = "Student"
DETU = "DETU"
TEACHER = "Teacher"
COUNSELLOR = "Counsellor"
REGISTRAR = "Registrar"
REFERENT = "FunctionalReferent"
ADMIN = "Admin"
# Délégué à la protection des données: reads the log of staff reads, not the contracts.
DATA_PROTECTION = "DataProtection"
PUBLIC = "Public"
# A machine account (service account) reading the API with a key; its scope is in app.api.models.
API_READER = "ApiReader"

PEOPLE_ROLES = (STUDENT, DETU, TEACHER, COUNSELLOR, REGISTRAR, REFERENT, ADMIN, DATA_PROTECTION)
ALL_ROLES = PEOPLE_ROLES + (API_READER,)
# What the pages call each role (the names above are stored, and match directory groups).
ROLE_LABELS = {
    STUDENT: _l("Student"), DETU: _l("Director of studies"), TEACHER: _l("Referent teacher"),
    COUNSELLOR: _l("Guidance counsellor"), REGISTRAR: _l("Student office"), REFERENT: _l("Functional referent"),
    ADMIN: _l("Administrator"), PUBLIC: _l("Anonymous"), API_READER: _l("API client"),
}
STAFF_ROLES = (DETU, TEACHER, COUNSELLOR, REGISTRAR, REFERENT, ADMIN)

# Role privilege rank, used to forbid impersonating someone more privileged (a role missing here,
# like a machine account's, is never impersonated).
PRIVILEGE = {STUDENT: 0, TEACHER: 1, COUNSELLOR: 1, REGISTRAR: 1, DETU: 2, REFERENT: 3, DATA_PROTECTION: 3, ADMIN: 4}

# What every signed-in user may open, whatever their role.
COMMON = [
    ("User.*View", "can_userinfo"),
    ("MenuApi", "can_get"),
    ("ResetMyPasswordView", "can_this_form_get|can_this_form_post"),
]


def _package_permissions():
    """Merge the PERMISSIONS of each package's ``permissions`` module (imported here: they import this one)."""
    from app.api.permissions import PERMISSIONS as API
    from app.catalog.permissions import PERMISSIONS as CATALOG
    from app.contracts.permissions import PERMISSIONS as CONTRACTS
    from app.documents.permissions import PERMISSIONS as DOCUMENTS
    from app.notify.permissions import PERMISSIONS as NOTIFY
    from app.people.permissions import PERMISSIONS as PEOPLE
    from app.privacy.permissions import PERMISSIONS as PRIVACY
    from app.reports.permissions import PERMISSIONS as REPORTS
    from app.security.permissions import PERMISSIONS as SECURITY
    from app.sis.permissions import PERMISSIONS as SIS
    from app.transfer.permissions import PERMISSIONS as TRANSFER
    from app.ui.permissions import PERMISSIONS as UI

    merged = {}
    for package in (API, CATALOG, CONTRACTS, DOCUMENTS, NOTIFY, PEOPLE, PRIVACY, REPORTS, SECURITY, SIS, TRANSFER, UI):
        for role, pairs in package.items():
            merged.setdefault(role, []).extend(pairs)
    return merged


def builtin_roles():
    """The FAB_ROLES setting: role name -> [[view regex, permission regex], ...]."""
    declared = _package_permissions()
    roles = {}
    for role in ALL_ROLES:
        pairs = COMMON + declared.get(role, [])
        roles[role] = [[f"^(?:{view})$", f"^(?:{perm})$"] for view, perm in pairs]
    roles[ADMIN] = [[".*", ".*"]]
    return roles
