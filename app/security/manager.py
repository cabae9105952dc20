"""The project's one SecurityManager subclass.

Login goes through ``authenticate`` (browser form and API alike): database accounts for the
embedded demo, or the LDAP directory through ldap3 (FAB's own LDAP login needs python-ldap and
cannot tell "directory down" from "wrong password"). ``auth_user_ldap`` is kept for FAB's callers.
"""
import logging

from flask import current_app
from flask_appbuilder.const import AUTH_LDAP
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from app import roles as R
from app.extensions import db
from app.security import provisioning
from app.security.api import SecurityApi
from app.security.directory import (
    ConfigurationError,
    Directory,
    DirectorySettings,
    DirectoryUnavailable,
    acceptable_password,
    acceptable_username,
)
from app.security.views import GroupView, LoginDBView, LoginLDAPView, RoleView, UserLDAPView, UserView

log = logging.getLogger(__name__)


class SecurityManager(FabSecurityManager):
    userdbmodelview = UserView
    userldapmodelview = UserLDAPView
    rolemodelview = RoleView
    groupmodelview = GroupView
    userstatschartview = None
    authdbview = LoginDBView
    authldapview = LoginLDAPView
    security_api = SecurityApi

    def __init__(self, appbuilder):
        config = current_app.config
        self.directory = None
        if config.get("AUTH_TYPE") == AUTH_LDAP:
            settings = DirectorySettings.from_config(config)
            config.setdefault("AUTH_LDAP_SERVER", settings.urls[0])  # FAB refuses to start without it
            self.directory = Directory(settings)
        try:
            self.role_mapping = provisioning.parse_role_mapping(config.get("LDAP_ROLE_MAPPING") or "{}")
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        self.student_role = (config.get("LDAP_STUDENT_ROLE") or "").strip()
        if self.student_role and self.student_role not in R.ALL_ROLES:
            raise ConfigurationError(
                f"LDAP_STUDENT_ROLE={self.student_role!r} is not a role: {', '.join(R.ALL_ROLES)}"
            )
        super().__init__(appbuilder)

    @property
    def is_auth_limited(self):
        # app.security.throttle counts login attempts itself, browser and API together; FAB's
        # limit would also count logouts and leave the API out.
        return False

    def ensure_roles(self):
        """Create the role rows (their permissions live in code, see app.roles)."""
        for name in R.ALL_ROLES + (R.PUBLIC,):
            if self.find_role(name) is None:
                self.add_role(name)

    # --- login ---------------------------------------------------------------------------------

    def authenticate(self, username, password, provider=None):
        """The account these credentials open, or None. Raises DirectoryUnavailable."""
        provider = provider or self.auth_type_provider_name
        if provider == "ldap":
            return self._authenticate_ldap(username, password)
        return self.auth_user_db(username, password)

    def auth_user_ldap(self, username, password):
        try:
            return self._authenticate_ldap(username, password)
        except DirectoryUnavailable:
            log.error("LDAP login of %r impossible: no directory server answered", username)
            return None

    def _authenticate_ldap(self, username, password):
        username = (username or "").strip()
        if not (acceptable_username(username) and acceptable_password(password)):
            return None
        if self._is_break_glass(username):
            return self.auth_user_db(username, password)
        if self.directory is None:
            log.error("LDAP login asked while LDAP is not configured (LDAP_ENABLED)")
            return None
        user = self.find_user(username=username)
        if user is not None and not user.is_active:
            return None
        person = self.directory.authenticate(username, password)
        if person is None:
            if user is not None:
                self.update_user_auth_stat(user, False)
            return None
        if user is None or user.username.lower() != person.uid.lower():
            user = self.find_user(username=person.uid)
            if user is not None and not user.is_active:
                return None
        roles = provisioning.directory_role_names(person, self.role_mapping, self.student_role)
        user = provisioning.provision(self, user, person, roles)
        if user is None:
            return None
        self.update_user_auth_stat(user)
        return user

    def _is_break_glass(self, username):
        """The optional local administrator who signs in with a database password, directory or not."""
        name = (current_app.config.get("LDAP_BREAK_GLASS_USERNAME") or "").strip()
        return bool(name) and username.lower() == name.lower()

    # --- for templates -------------------------------------------------------------------------

    def role_origins_for(self, user_id):
        user = db.session.get(self.user_model, int(user_id)) if user_id is not None else None
        return provisioning.role_origins(user) if user is not None else {}
