"""Login and logout pages, and Flask-AppBuilder's user, role and group pages trimmed for the project.

One login view serves both methods (database, directory): it keeps what was typed, says the same
thing for an unknown login and a wrong password, says so when the directory cannot be reached,
counts attempts (``throttle``) and makes the session permanent so ``PERMANENT_SESSION_LIFETIME``
works as an idle timeout. Logout is POST only (FAB's GET logout can be triggered by any page).
"""
from flask import current_app, flash, g, redirect, request, session
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import (
    AuthDBView,
    AuthLDAPView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserLDAPModelView,
)
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from app.security import impersonation, provisioning, sessions, throttle
from app.security.directory import DirectoryUnavailable
from app.extensions import db
from app.ui.modelviews import ProjectModelView

INVALID_LOGIN = _l("Wrong login or password.")
MISSING = _l("Give your login and your password.")
DIRECTORY_DOWN = _l(
    "The university directory cannot be reached right now, so nobody can sign in. Try again in a few minutes."
)
TOO_MANY = _l("Too many sign-in attempts from your connection. Wait a minute, then try again.")
TOO_MANY_FOR_ACCOUNT = _l("Too many failed sign-in attempts on this account. Wait a few minutes, then try again.")


class LoginMixin:
    login_template = "security/login.html"

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if request.method == "POST":
            if not throttle.login_allowed():
                return self._page(form, TOO_MANY, 429)
            if form.validate_on_submit():
                if not throttle.account_allowed(form.username.data):
                    return self._page(form, TOO_MANY_FOR_ACCOUNT, 429)
                try:
                    user = self.appbuilder.sm.authenticate(form.username.data, form.password.data)
                except DirectoryUnavailable:
                    return self._page(form, DIRECTORY_DOWN, 503)
                if user is None:
                    throttle.account_failed(form.username.data)
                    return self._page(form, INVALID_LOGIN, 200)
                sessions.start_web(user)
                login_user(user, remember=False)
                wanted = request.args.get("next")
                return redirect(get_safe_redirect(wanted) if wanted else self.appbuilder.get_url_for_index)
            return self._page(form, MISSING, 200)
        return self._page(form)

    def _page(self, form, error=None, status=200):
        form.password.data = ""
        return (
            self.render_template(self.login_template, title=self.title, form=form, error=error,
                                 appbuilder=self.appbuilder),
            status,
        )

    @expose("/logout/", methods=["POST"])
    def logout(self):
        self._end_session()
        flash(_l("You are signed out."), "info")
        return redirect(current_app.config["LOGOUT_REDIRECT_URL"] or self.appbuilder.get_url_for_index)

    def _end_session(self):
        user = self._get_authenticated_user()
        impersonation.end_on_logout()
        sessions.end(sessions.current_token(), "logout")
        logout_user()
        session.clear()
        if user is not None:
            self.appbuilder.sm.on_user_logout(user)


class LoginDBView(LoginMixin, AuthDBView):
    pass


class LoginLDAPView(LoginMixin, AuthLDAPView):
    pass


class RoleOriginsMixin:
    """The user's page says where each role comes from; an administrator's edit is a grant here."""

    show_template = "security/user_show.html"

    def post_update(self, item):
        provisioning.record_application_grants(item)
        db.session.commit()
        if not item.active:
            sessions.end_all(item.id, "deactivated")

    def post_add(self, item):
        provisioning.record_application_grants(item)
        db.session.commit()


class UserView(RoleOriginsMixin, ProjectModelView, UserDBModelView):
    include_route_methods = {"list", "show", "add", "edit", "delete", "userinfo"}


class UserLDAPView(RoleOriginsMixin, ProjectModelView, UserLDAPModelView):
    """Under LDAP: names and e-mail come from the directory at each login; roles may be added here."""

    include_route_methods = {"list", "show", "add", "edit", "delete", "userinfo"}


class RoleView(ProjectModelView, RoleModelView):
    """Roles are defined in code (app/roles.py): read-only here."""

    include_route_methods = {"list", "show"}
    search_columns = ["name"]


class GroupView(ProjectModelView, UserGroupModelView):
    include_route_methods = {"list"}
    search_columns = ["name", "label"]
    label_columns = {"name": _l("Name"), "label": _l("Label"), "roles": _l("Roles"), "description": _l("Description"),
                     "users": _l("Users")}
