"""Error pages in the application's layout and language (JSON under ``/api/``): never a traceback.

- HTTP errors raised with ``abort`` keep their reason;
- a concurrent change (``StaleDataError``: two people signing at once) is a 409 with the page's
  message, and what the request had started is rolled back;
- the database unreachable (restart, outage) is a 503 that says so, rendered without touching the
  database (the page and the navbar would need it);
- anything else is a 500 in the application's page, after a rollback and a log with the traceback.
"""
import logging

from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import InternalServerError
from werkzeug.routing import IntegerConverter

from app.campaign import SettingsMissing

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Access denied"), _l("You do not have access to this page or this action.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("Someone changed this data at the same time. Reload the page.")),
    413: (_l("Too large"), _l("What you sent is too large. Send a smaller file.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time: wait a moment, then try again.")),
    500: (_l("Unexpected error"), _l("Something went wrong on our side; nothing was saved. Try again, and tell the support if it happens again.")),
}
NOT_SET_UP = (_l("Not set up yet"), _l("ConPeRe is not set up yet: an administrator must load the settings ('flask --app run seed')."))
DATABASE_DOWN = (
    _l("Service temporarily unavailable"),
    _l("ConPeRe cannot reach its database right now, so nothing can be read or saved. What you were "
       "sending was not saved: wait a minute, then try again."),
)
# PostgreSQL integer columns: a larger id in an address is simply not found.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:pk>`` in every route: 0 to 2³¹−1, so a huge number is a 404 rather than a database error."""

    def __init__(self, map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002 — Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install_converters(app):
    """Before any route is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def _rollback():
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.debug("rollback failed", exc_info=True)


def _reason(exc):
    """A reason given with abort(status, reason) is more useful than the generic text."""
    description = getattr(exc, "description", None)
    if description and description != getattr(type(exc), "description", None):
        return description
    return None


def render_page(status, title, text, headers=None):
    """The application's page (JSON under /api/) saying ``text``, with this status."""
    headers = headers or {}
    if request.path.startswith("/api/"):
        return {"message": str(text)}, status, headers
    from flask_login import current_user

    if not hasattr(g, "user"):  # errors raised before FAB's before_request (e.g. CSRF) have no g.user
        g.user = current_user
    appbuilder = current_app.appbuilder
    return (
        render_template("conpere/error.html", title=title, text=text, status=status,
                        base_template=appbuilder.base_template, appbuilder=appbuilder),
        status,
        headers,
    )


def _render_standalone(status, title, text, retry_after=None):
    """A page that needs neither the database nor the signed-in user."""
    # Templates' context processors would load the user (Flask-Login's current_user): say anonymous.
    g._login_user = g.user = current_app.login_manager.anonymous_user()
    if request.path.startswith("/api/"):
        response = current_app.response_class(
            current_app.json.dumps({"message": str(text)}), status, mimetype="application/json")
    else:
        response = current_app.response_class(
            render_template("security/unavailable.html", title=title, text=text), status, mimetype="text/html")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def http_error(exc):
    title, text = MESSAGES.get(exc.code, (exc.name, exc.description))
    # A 405 says which methods the address accepts (RFC 9110); werkzeug's own answer did.
    headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else {}
    return render_page(exc.code, title, _reason(exc) or text, headers)


def value_out_of_range(exc):
    """A value the database cannot hold (a number too large, a word where a number goes) got
    through to a query: the request was wrong, not the application."""
    _rollback()
    log.warning("Value refused by the database on %s: %s", request.path, exc)
    return render_page(400, MESSAGES[400][0], _l("A value you sent is out of range or of the wrong kind."))


def concurrent_change(exc):
    _rollback()
    log.info("Concurrent change refused on %s: %s", request.path, exc)
    return render_page(409, *MESSAGES[409])


def database_unavailable(exc):
    _rollback()
    log.error("Database unreachable on %s %s: %s", request.method, request.path, exc)
    return _render_standalone(503, *DATABASE_DOWN, retry_after=30)


def internal_error(exc):
    original = getattr(exc, "original_exception", None) or exc
    _rollback()
    if isinstance(original, (OperationalError, InterfaceError, DisconnectionError)):
        return database_unavailable(original)
    log.error("Unexpected error on %s %s", request.method, request.path, exc_info=original)
    try:
        return render_page(500, *MESSAGES[500])
    except Exception:  # the page itself failed (the database again?): the plain page
        log.exception("The error page failed")
        return _render_standalone(500, *MESSAGES[500])


def init_app(app):
    from app import guarded

    guarded.init_app(app)
    for status in MESSAGES:
        if status != 500:
            app.register_error_handler(status, http_error)
    app.register_error_handler(InternalServerError, internal_error)
    app.register_error_handler(StaleDataError, concurrent_change)
    for error in (DataError, OverflowError):
        app.register_error_handler(error, value_out_of_range)
    for error in (OperationalError, InterfaceError, DisconnectionError):
        app.register_error_handler(error, database_unavailable)
    app.register_error_handler(SettingsMissing, lambda exc: render_page(503, *NOT_SET_UP))

