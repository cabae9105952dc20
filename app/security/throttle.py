"""Login rate limits: per client address (every attempt) and per account (failed attempts).

Flask-AppBuilder limits only the browser login (and with it every POST of its auth view, logout
included) and never ``/api/v1/security/login``. We count login attempts ourselves, in the
Flask-Limiter storage FAB already set up (``RATELIMIT_STORAGE_URI``: the database by default, so
every web node shares the counters), and both doors share the budgets.

Behind a reverse proxy, the client address is the one the proxy saw (``TRUSTED_PROXIES``); the
per-account limit still slows a password guessed from many addresses, and counts only failures,
so a user who types their password right is never refused for others' mistakes on another account.
"""
from flask import current_app, request
from limits import parse

SCOPE = "conpere-login"
ACCOUNT_SCOPE = "conpere-login-account"


def _limiter():
    config = current_app.config
    limiter = current_app.appbuilder.sm.limiter
    if not (config.get("AUTH_RATE_LIMITED") and limiter.enabled):
        return None
    return limiter.limiter


def login_allowed():
    """Count one login attempt from this address; False when it has used up its budget."""
    limiter = _limiter()
    if limiter is None:
        return True
    config = current_app.config
    key_func = config.get("RATELIMIT_KEY_FUNC") or (lambda: request.remote_addr or "unknown")
    return limiter.hit(parse(config["AUTH_RATE_LIMIT"]), SCOPE, key_func())


def _account_limit():
    return parse(current_app.config["AUTH_ACCOUNT_RATE_LIMIT"])


def _account_key(username):
    return (username or "").strip().lower()[:128]


def account_allowed(username):
    """False while this account has used up its budget of failed logins."""
    limiter = _limiter()
    return limiter is None or limiter.test(_account_limit(), ACCOUNT_SCOPE, _account_key(username))


def account_failed(username):
    """Count one failed login on this account."""
    limiter = _limiter()
    if limiter is not None:
        limiter.hit(_account_limit(), ACCOUNT_SCOPE, _account_key(username))
