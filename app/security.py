"""The project's one SecurityManager subclass.

Login, roles from the directory and impersonation ("se connecter en tant que") live here.
"""
from flask import session
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView

from app import roles as R
from app.guarded import GuardedActions

IMPERSONATOR_KEY = "impersonator_id"


class UserView(GuardedActions, UserDBModelView):
    include_route_methods = {"list", "show", "add", "edit", "delete", "userinfo"}


class RoleView(RoleModelView):
    """Roles are defined in code (app/roles.py): read-only here."""

    include_route_methods = {"list", "show"}


class GroupView(UserGroupModelView):
    include_route_methods = {"list"}


class SecurityManager(FabSecurityManager):
    userdbmodelview = UserView
    rolemodelview = RoleView
    groupmodelview = GroupView
    userstatschartview = None

    def ensure_roles(self):
        """Create the role rows (their permissions live in code, see app.roles)."""
        for name in R.ALL_ROLES + (R.PUBLIC,):
            if self.find_role(name) is None:
                self.add_role(name)


def current_impersonator():
    """The real user when someone is acting as ``g.user`` through impersonation, else None."""
    from app.extensions import db

    user_id = session.get(IMPERSONATOR_KEY)
    if not user_id:
        return None
    from flask import current_app

    return db.session.get(current_app.appbuilder.sm.user_model, user_id)
