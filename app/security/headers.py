"""Security headers on every answer, through Flask-Talisman, and no caching of what users see.

- CSP: scripts from our own origin, plus inline ones carrying the request's nonce (Talisman makes
  ``csp_nonce()`` available, and Flask-AppBuilder's templates already call it through
  ``baselib.get_nonce()``); no ``unsafe-inline`` script, no plugin, no ``<base>``, forms posted
  to our origin (and to the CAS server for its single sign-out), never framed.
- Styles may be inline: FAB's own templates carry ``style`` attributes. A style cannot run code.
- ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``; ``nosniff``; referrer kept
  on our origin (contract ids in addresses never reach the PEC's site); HSTS (``HSTS_SECONDS``, on
  in production; sent over HTTPS only, so behind a proxy set ``TRUSTED_PROXIES``).
- ``Cache-Control: no-store`` on every answer but static files: pages, PDFs, spreadsheets and API
  answers carry student data and must not stay in a shared computer's cache.
"""
from urllib.parse import urlsplit

from flask import request
from flask_talisman import DENY, Talisman

STATIC_ENDPOINTS = {"static", "appbuilder.static"}


def content_security_policy(config):
    form_action = ["'self'"]
    cas_origin = _origin(config.get("CAS_SERVER_URL") or "")
    if cas_origin:
        form_action.append(cas_origin)  # logout posts here, then CAS redirects to its logout page
    return {
        "default-src": "'self'",
        "script-src": "'self'",  # + the nonce (content_security_policy_nonce_in)
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": " ".join(form_action),
        "frame-ancestors": "'none'",
    }


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


class _Talisman(Talisman):
    """Talisman also believes any client's X-Forwarded-Proto for HSTS: only the request's scheme
    counts here, which ProxyFix sets from the trusted proxies alone (TRUSTED_PROXIES)."""

    def _set_hsts_headers(self, headers):
        if request.is_secure:
            super()._set_hsts_headers(headers)


def no_store(response):
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    config = app.config
    _Talisman(
        app,
        content_security_policy=content_security_policy(config),
        content_security_policy_nonce_in=["script-src"],
        frame_options=DENY,
        referrer_policy="same-origin",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
        force_https=False,  # the reverse proxy redirects; a redirect here could loop behind it
        strict_transport_security=bool(config.get("HSTS_SECONDS")),
        strict_transport_security_max_age=config.get("HSTS_SECONDS") or 0,
        strict_transport_security_include_subdomains=False,  # other sites of the university may be http
        # Talisman rewrites these settings: hand it ours.
        session_cookie_secure=bool(config.get("SESSION_COOKIE_SECURE")),
        session_cookie_samesite=config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(no_store)
