"""Login rate limiting: one budget per client address for the browser form and the API together.

Flask-AppBuilder limits only the browser login (and with it every POST of its auth view, logout
included) and never ``/api/v1/security/login``. We count login attempts ourselves, in the
Flask-Limiter storage FAB already set up (``RATELIMIT_STORAGE_URI``), so both doors share the limit.
"""
from flask import current_app
from limits import parse

SCOPE = "conpere-login"


def login_allowed():
    """Count one login attempt; False when the client has used up its budget."""
    config = current_app.config
    limiter = current_app.appbuilder.sm.limiter
    if not (config.get("AUTH_RATE_LIMITED") and limiter.enabled):
        return True
    key_func = config.get("RATELIMIT_KEY_FUNC") or _remote_address
    return limiter.limiter.hit(parse(config.get("AUTH_RATE_LIMIT") or "10 per 20 second"), SCOPE, key_func())


def _remote_address():
    from flask_limiter.util import get_remote_address

    return get_remote_address()
