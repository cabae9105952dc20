"""Signing in through CAS (``AUTH_TYPE=cas``).

- ``/login/`` sends the browser to the CAS server, with ``/cas/`` as the service and a one-time
  ``state`` kept in the session (a ticket obtained elsewhere cannot sign someone in here);
- ``/cas/`` (GET) validates the service ticket (``p3/serviceValidate``), finds or creates the
  account (roles from the directory looked up by the CAS user id, or from CAS attributes), opens
  a session remembering the ticket; (POST) is the CAS server's single logout: it ends that session;
- ``/logout/`` (POST) ends the session here, then at the CAS server;
- ``/login/?local=1``: the break-glass administrator's password form (``BREAK_GLASS_USERNAME``).
"""
import hmac
import secrets
from urllib.parse import urlencode

from flask import abort, current_app, g, redirect, request, session
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.views import AuthRemoteUserView, UserRemoteUserModelView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import lazy_gettext as _l
from flask_login import login_user

from app.guarded import GuardedActions
from app.security import sessions
from app.security.cas import CasUnavailable, logout_ticket
from app.security.directory import DirectoryUnavailable
from app.security.views import DIRECTORY_DOWN, LoginMixin, RoleOriginsMixin

STATE_KEY = "cas_state"
CAS_DOWN = _l("The university's sign-on service (CAS) cannot be reached right now, so nobody can "
              "sign in. Try again in a few minutes.")
TICKET_REFUSED = _l("The sign-on service did not confirm this sign-in (the link is used or expired). "
                    "Sign in again.")
STATE_MISSING = _l("This sign-in was not started from ConPeRe, or took too long. Sign in again.")
NOT_KNOWN = _l("You are signed in to the university, but ConPeRe cannot find you in the directory "
               "or your account here is deactivated. Contact the student office.")
SIGN_IN_FAILED = _l("Sign-in failed")


def _public(path):
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def service_url(next_url, state):
    """The address CAS sends the browser back to; validation must quote it byte for byte."""
    return _public("/cas/?" + urlencode({"next": next_url or "", "state": state}))


def _message(status, text):
    from app.errors import render_page

    return render_page(status, SIGN_IN_FAILED, text)


class LoginCASView(LoginMixin, AuthRemoteUserView):
    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        sm = self.appbuilder.sm
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        if request.method == "POST" or request.args.get("local"):
            if not sm.break_glass_enabled:
                abort(404)
            return super().login()  # the password form; authenticate() accepts the break-glass account only
        state = secrets.token_urlsafe(24)
        session[STATE_KEY] = state
        return redirect(sm.cas.login_url(service_url(request.args.get("next"), state)))

    @expose("/logout/", methods=["POST"])
    def logout(self):
        self._end_session()
        return redirect(self.appbuilder.sm.cas.logout_url(_public("/")))


class CasView(BaseView):
    """The CAS service: tickets come back here, single-logout requests too."""

    route_base = "/cas"
    default_view = "callback"

    @expose("/", methods=["GET"])
    @no_cache
    def callback(self):
        sm = self.appbuilder.sm
        ticket = request.args.get("ticket", "")
        if not ticket:
            return redirect(self.appbuilder.get_url_for_login_with(request.args.get("next") or ""))
        expected = session.pop(STATE_KEY, None)
        state = request.args.get("state", "")
        if not expected or not hmac.compare_digest(expected, state):
            return _message(400, STATE_MISSING)
        try:
            identity = sm.cas.validate(ticket, service_url(request.args.get("next"), state))
        except CasUnavailable as exc:
            current_app.logger.error("CAS ticket validation impossible: %s", exc)
            return _message(503, CAS_DOWN)
        if identity is None:
            return _message(401, TICKET_REFUSED)
        try:
            user = sm.authenticate_cas(identity)
        except DirectoryUnavailable:
            return _message(503, DIRECTORY_DOWN)
        if user is None:
            return _message(403, NOT_KNOWN)
        sessions.start_web(user, sso_ticket=ticket)
        login_user(user, remember=False)
        wanted = request.args.get("next")
        return redirect(get_safe_redirect(wanted) if wanted else self.appbuilder.get_url_for_index)

    @expose("/", methods=["POST"])
    def single_logout(self):
        """The CAS server says this user signed out of CAS: end the session its ticket opened."""
        ticket = logout_ticket(request.form.get("logoutRequest"))
        if ticket:
            sessions.end_by_sso_ticket(ticket)
        return "", 204


class UserRemoteView(RoleOriginsMixin, GuardedActions, UserRemoteUserModelView):
    """Under CAS: accounts come from the CAS server and the directory; roles may be added here."""

    include_route_methods = {"list", "show", "add", "edit", "delete", "userinfo"}


def register(appbuilder, csrf):
    appbuilder.add_view_no_menu(CasView())
    # The CAS server posts its single-logout requests without our CSRF token.
    csrf.exempt(f"{CasView.__module__}.{CasView.single_logout.__name__}")
