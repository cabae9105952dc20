"""Error pages in the application's layout and language, and a clear page when it is not set up yet."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.catalog.service import SettingsMissing

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("Access denied"), _l("You do not have access to this page or this action.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Conflict"), _l("Someone changed this data at the same time. Reload the page.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time: wait a moment, then try again.")),
    503: (_l("Not set up yet"), _l("ConPeRe is not set up yet: an administrator must load the settings ('flask --app run seed').")),
}


def _render(status, exc=None):
    title, text = MESSAGES[status]
    # A reason given with abort(status, reason) is more useful than the generic text.
    description = getattr(exc, "description", None)
    if description and description != getattr(type(exc), "description", None):
        text = description
    # A 405 says which methods the address accepts (RFC 9110); werkzeug's own answer did.
    headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(exc, "valid_methods", None) else {}
    if request.path.startswith("/api/"):
        return {"message": str(text)}, status, headers
    from flask import current_app, g
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


def init_app(app):
    for status in MESSAGES:
        if status != 503:
            app.register_error_handler(status, lambda exc, status=status: _render(status, exc))
    app.register_error_handler(SettingsMissing, lambda exc: _render(503))
