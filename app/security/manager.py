"""The project's one SecurityManager subclass.

Login goes through ``authenticate`` (browser form and API alike): database accounts for the
embedded demo, or the LDAP directory through ldap3 (FAB's own LDAP login needs python-ldap and
cannot tell "directory down" from "wrong password"). ``auth_user_ldap`` is kept for FAB's callers.
"""
import logging
from functools import cached_property

from flask import current_app, g, session
from flask_appbuilder.const import AUTH_DB, AUTH_LDAP, AUTH_REMOTE_USER
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from app import roles as R
from app.extensions import db
from app.security import passwords, provisioning, sessions
from app.security.impersonation import IMPERSONATOR_KEY
from app.security.api import SecurityApi
from app.security.cas import CasServer, CasSettings
from app.security.directory import (
    ConfigurationError,
    Directory,
    DirectorySettings,
    DirectoryUnavailable,
    acceptable_password,
    acceptable_username,
)
from app.security.cas_views import LoginCASView, UserRemoteView
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
    authremoteuserview = LoginCASView
    userremoteusermodelview = UserRemoteView
    security_api = SecurityApi
    resetmypasswordview = passwords.ChangeMyPasswordView
    resetpasswordview = passwords.ResetPasswordView

    def __init__(self, appbuilder):
        config = current_app.config
        self._init_sign_in(config)
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

    @staticmethod
    def create_builtin_roles():
        """FAB's hook for its builtin roles: ours are defined in code (app/roles.py), not in FAB_ROLES."""
        return R.builtin_roles()

    def _init_sign_in(self, config):
        """The CAS server and the directory this configuration signs people in with."""
        auth_type = config.get("AUTH_TYPE")
        if auth_type not in (AUTH_DB, AUTH_LDAP, AUTH_REMOTE_USER):
            raise ConfigurationError("AUTH_TYPE must be db, ldap or cas.")
        self.cas = CasServer(CasSettings.from_config(config)) if auth_type == AUTH_REMOTE_USER else None
        self.cas_roles_from = (config["CAS_ROLES_FROM"] or "").strip().lower()
        if self.cas is not None and self.cas_roles_from not in ("directory", "attributes"):
            raise ConfigurationError("CAS_ROLES_FROM must be 'directory' or 'attributes'.")
        self.directory = None
        if auth_type == AUTH_LDAP or (self.cas is not None and self.cas_roles_from == "directory"):
            settings = DirectorySettings.from_config(config)
            config.setdefault("AUTH_LDAP_SERVER", settings.urls[0])  # FAB refuses to start without it
            self.directory = Directory(settings)

    # --- sessions (app.security.sessions) -------------------------------------------------------

    def create_login_manager(self, app):
        manager = super().create_login_manager(app)
        manager.user_loader(self.load_session_user)
        return manager

    def load_session_user(self, pk):
        """The cookie's user, only while its server-side session is live (else signed out).

        The session is read first, with its owner's roles (one statement); the cookie's user is then
        that same row, unless someone is impersonating them (their session is the real person's)."""
        try:
            real_id = int(session.get(IMPERSONATOR_KEY) or pk)
        except (TypeError, ValueError):
            return None
        row = sessions.live(sessions.current_token(), real_id, sessions.WEB)
        if row is None:
            session.clear()
            return None
        user = row.user if str(row.user_id) == str(pk) else self.get_user_by_id(int(pk))
        return user if user is not None and user.is_active else None

    def get_user_by_id(self, pk):
        # Roles and groups in the same statement (an identity-map hit after sessions.find).
        return db.session.get(self.user_model, pk, options=sessions.with_roles())

    def _has_view_access(self, user, permission_name, view_name):
        """FAB's check, remembered per process for users whose roles are all builtin: those roles'
        permissions are code (app.roles), so the answer for a set of role names never changes while
        the process runs. The user's roles themselves are read at every request: a role granted or
        taken away counts at the next page."""
        names = self.builtin_access_key(user)
        if names is None:
            return super()._has_view_access(user, permission_name, view_name)
        key = (names, permission_name, view_name)
        answer = self._access_answers.get(key)
        if answer is None:
            answer = self._access_answers[key] = super()._has_view_access(user, permission_name, view_name)
        return answer

    def builtin_access_key(self, user):
        """The names of ``user``'s roles (the public role's when signed out) when they are all builtin,
        so that every permission answer depends on them alone; None otherwise."""
        names = frozenset(role.name for role in self.get_user_roles(user))
        return names if names and names <= self._builtin_names else None

    @cached_property
    def _builtin_names(self):
        return frozenset(self.builtin_roles)

    @cached_property
    def _access_answers(self):
        return {}

    def create_jwt_manager(self, app):
        manager = super().create_jwt_manager(app)
        manager.token_in_blocklist_loader(self._jwt_revoked)
        return manager

    @staticmethod
    def _jwt_revoked(_header, payload):
        """Every token we issue names its API session; a token whose session ended is refused."""
        try:
            user_id = int(payload["sub"])
        except (KeyError, TypeError, ValueError):
            return True
        # Kept for the request: the user it loaded with its roles is the one the token names.
        g.api_session = sessions.live(payload.get("sid"), user_id, sessions.API)
        return g.api_session is None

    def reset_password(self, userid, password):
        """A new password ends the user's other sessions (an administrator's reset: all of them)."""
        super().reset_password(userid, password)
        own = g.user is not None and g.user.is_authenticated and str(g.user.id) == str(userid)
        sessions.end_all(int(userid), "password", keep=sessions.current_token() if own else None)

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
        if self.cas is not None and not self._is_break_glass((username or "").strip()):
            return None  # under CAS, only the break-glass account has a password here
        return self.auth_user_db(username, password)

    def authenticate_cas(self, identity):
        """The account of someone the CAS server vouched for (a ``CasIdentity``).

        Returns None when the directory does not know them (roles from the directory) or their
        account is deactivated. Raises DirectoryUnavailable.
        """
        if self.cas_roles_from == "directory":
            person = self.directory.lookup(identity.user)
        else:
            person = provisioning.person_from_cas(identity, current_app.config)
        if person is None:
            log.info("CAS user %r is not in the directory: refused", identity.user)
            return None
        user = self.find_user(username=person.uid)
        if user is not None and not user.is_active:
            return None
        return self._sign_in(user, person)

    def _sign_in(self, user, person):
        """Create or update the account of a proven ``person`` with their directory roles."""
        roles = provisioning.directory_role_names(person, self.role_mapping, self.student_role)
        user = provisioning.provision(self, user, person, roles)
        if user is not None:
            self.update_user_auth_stat(user)
        return user

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
        return self._sign_in(user, person)

    def _is_break_glass(self, username):
        """The optional local administrator who signs in with a database password, directory or not."""
        config = current_app.config
        name = (config.get("BREAK_GLASS_USERNAME") or config.get("LDAP_BREAK_GLASS_USERNAME") or "").strip()
        return bool(name) and username.lower() == name.lower()

    @property
    def break_glass_enabled(self):
        config = current_app.config
        return bool((config.get("BREAK_GLASS_USERNAME") or config.get("LDAP_BREAK_GLASS_USERNAME") or "").strip())

    # --- for templates -------------------------------------------------------------------------

    def role_origins_for(self, user_id):
        user = db.session.get(self.user_model, int(user_id)) if user_id is not None else None
        return provisioning.role_origins(user) if user is not None else {}
