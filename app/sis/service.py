"""The configured student information system, built once per process and configuration."""
import threading

from flask import current_app

from app.sis.interface import SisNotConfigured

_lock = threading.Lock()
SYSTEM_NAMES = {"apogee": "Apogée", "pegase": "Pégase"}  # SIS=apogee|pegase, as users read it

# Settings that make a different client when they change (tests point the app at a simulator).
_KEYS = (
    "SIS_BACKEND", "APOGEE_BASE_URL", "APOGEE_SERVICE_URLS", "APOGEE_WSDL_DIR", "APOGEE_WSDL_URL", "APOGEE_USER",
    "APOGEE_PASSWORD", "APOGEE_EXTRA_HEADER", "APOGEE_SERVICE_HEADERS", "APOGEE_VERIFY_TLS", "APOGEE_CA_BUNDLE",
    "APOGEE_CONNECT_TIMEOUT", "APOGEE_READ_TIMEOUT", "APOGEE_RETRIES", "APOGEE_BACKOFF",
    "APOGEE_CONCURRENCY", "APOGEE_PAGE_TIMEOUT",
)


def system_name(config=None):
    """The configured system's name, as pages and messages say it."""
    config = current_app.config if config is None else config
    return SYSTEM_NAMES.get(config.get("SIS_BACKEND"), "Apogée")


def get_sis(app=None, for_pages=False):
    """The StudentInformationSystem of this app.

    ``for_pages``: the one used while rendering a page: short read timeout, no retry, so a slow or
    absent Apogée costs a page a few seconds at most.
    """
    app = app or current_app._get_current_object()
    config = app.config
    key = (for_pages,) + tuple(repr(config.get(name)) for name in _KEYS) + tuple(
        repr(value) for name, value in sorted(config.items()) if name.startswith("PEGASE_"))
    cache = app.extensions.setdefault("sis_clients", {})
    with _lock:
        if key not in cache:
            cache[key] = _build(config, for_pages)
        return cache[key]


def _build(config, for_pages):
    backend = config["SIS_BACKEND"]
    if backend == "pegase":
        from app.sis.pegase import PegaseSystem

        overrides = dict(retries=0, read_timeout=float(config["PEGASE_PAGE_TIMEOUT"])) if for_pages else {}
        return PegaseSystem.from_config(config, **overrides)
    if backend != "apogee":
        raise SisNotConfigured(f"SIS={backend!r} is unknown: 'apogee' or 'pegase'", code="not-configured")
    from app.sis.apogee import ApogeeSystem

    overrides = {}
    if for_pages:
        overrides = dict(retries=0, read_timeout=float(config["APOGEE_PAGE_TIMEOUT"]))
    return ApogeeSystem.from_config(config, **overrides)
