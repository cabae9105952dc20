"""The configured student information system, built once per process and configuration."""
import threading

from flask import current_app

_lock = threading.Lock()

# Settings that make a different client when they change (tests point the app at a simulator).
_KEYS = (
    "SIS_BACKEND", "APOGEE_BASE_URL", "APOGEE_SERVICE_URLS", "APOGEE_WSDL_DIR", "APOGEE_WSDL_URL", "APOGEE_USER",
    "APOGEE_PASSWORD", "APOGEE_EXTRA_HEADER", "APOGEE_SERVICE_HEADERS", "APOGEE_VERIFY_TLS", "APOGEE_CA_BUNDLE",
    "APOGEE_CONNECT_TIMEOUT", "APOGEE_READ_TIMEOUT", "APOGEE_RETRIES", "APOGEE_BACKOFF",
    "APOGEE_CONCURRENCY", "APOGEE_PAGE_TIMEOUT",
)


def get_sis(app=None, for_pages=False):
    """The StudentInformationSystem of this app.

    ``for_pages``: the one used while rendering a page: short read timeout, no retry, so a slow or
    absent Apogée costs a page a few seconds at most.
    """
    app = app or current_app._get_current_object()
    config = app.config
    key = (for_pages,) + tuple(repr(config.get(name)) for name in _KEYS)
    cache = app.extensions.setdefault("sis_clients", {})
    with _lock:
        if key not in cache:
            cache[key] = _build(config, for_pages)
        return cache[key]


def _build(config, for_pages):
    backend = config.get("SIS_BACKEND", "apogee")
    if backend != "apogee":
        raise ValueError(f"SIS_BACKEND={backend!r} is unknown (only 'apogee' exists)")
    from app.sis.apogee import ApogeeSystem

    overrides = {}
    if for_pages:
        overrides = dict(retries=0, read_timeout=float(config.get("APOGEE_PAGE_TIMEOUT", 5)))
    return ApogeeSystem.from_config(config, **overrides)
