"""Pages of the security package, by role (see app.roles).

"Act as a user" is offered to every role here and narrowed by ``IMPERSONATION_ROLES`` (the menu
link's condition and the pages' own check): one setting decides who impersonates.
The impersonation sessions list is for administrators only (Admin holds every permission).
"""
from app import roles as R

PERMISSIONS = {role: [("Act as a user", "menu_access")] for role in R.ALL_ROLES}
