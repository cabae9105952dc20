"""Configuration classes. Every value can be overridden by an environment variable of the same name.

Pick a class with CONPERE_CONFIG (``development`` by default, ``production``, ``test``).
"""
import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB, AUTH_LDAP

from app.roles import builtin_roles

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.path.join(BASE_DIR, "instance")


def env(name, default=None, cast=str):
    """Read an environment variable, converting it with ``cast`` (bool understands 1/true/yes/on)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if cast is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on", "oui")
    return cast(raw)


class Config:
    APP_NAME = "ConPeRe"
    SECRET_KEY = env("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = env(
        "DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "conpere.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:5000")

    # Flask-AppBuilder: Alembic owns the schema, roles live in code (app/roles.py), no permission rows.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ROLES = builtin_roles()
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    FAB_SECURITY_MANAGER_CLASS = "app.security.SecurityManager"
    FAB_INDEX_VIEW = "app.home.HomeView"
    FAB_BASE_TEMPLATE = "conpere/base.html"
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_ADD_SECURITY_API = False
    # Permissions live in code (app/roles.py): FAB's permission editors would show nothing useful.
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    AUTH_USERNAME_CI = True

    # Login: database accounts (the embedded demo) or the LDAP directory (docs/ldap.md).
    AUTH_TYPE = AUTH_LDAP if env("LDAP_ENABLED", False, bool) else AUTH_DB
    LDAP_URLS = env("LDAP_URLS", "")  # several URLs, separated by spaces or commas: tried in order
    LDAP_START_TLS = env("LDAP_START_TLS", False, bool)
    LDAP_CA_FILE = env("LDAP_CA_FILE", "")
    LDAP_TLS_VERIFY = env("LDAP_TLS_VERIFY", True, bool)
    LDAP_TIMEOUT = env("LDAP_TIMEOUT", 5.0, float)  # seconds, per server
    LDAP_BIND_DN = env("LDAP_BIND_DN", "")
    LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", "")
    LDAP_PEOPLE_BASE = env("LDAP_PEOPLE_BASE", "")
    LDAP_PEOPLE_FILTER = env("LDAP_PEOPLE_FILTER", "")
    LDAP_UID_ATTRIBUTE = env("LDAP_UID_ATTRIBUTE", "uid")
    LDAP_FIRST_NAME_ATTRIBUTE = env("LDAP_FIRST_NAME_ATTRIBUTE", "givenName")
    LDAP_LAST_NAME_ATTRIBUTE = env("LDAP_LAST_NAME_ATTRIBUTE", "sn")
    LDAP_EMAIL_ATTRIBUTE = env("LDAP_EMAIL_ATTRIBUTE", "mail")
    LDAP_STUDENT_NUMBER_ATTRIBUTE = env("LDAP_STUDENT_NUMBER_ATTRIBUTE", "supannEtuId")
    LDAP_STUDENT_ROLE = env("LDAP_STUDENT_ROLE", "Student")  # given to whoever has a student number
    LDAP_GROUPS_FROM = env("LDAP_GROUPS_FROM", "memberOf")  # "memberOf" or "search"
    LDAP_GROUP_ATTRIBUTE = env("LDAP_GROUP_ATTRIBUTE", "memberOf")
    LDAP_GROUP_BASE = env("LDAP_GROUP_BASE", "")
    LDAP_GROUP_FILTER = env("LDAP_GROUP_FILTER", "(member={dn})")
    LDAP_ROLE_MAPPING = env("LDAP_ROLE_MAPPING", "{}")  # JSON: group DN or cn -> role name(s)
    LDAP_BREAK_GLASS_USERNAME = env("LDAP_BREAK_GLASS_USERNAME", "")  # a local admin; off when empty

    # "Se connecter en tant que": who may act as another user (role names, comma-separated).
    IMPERSONATION_ROLES = env("IMPERSONATION_ROLES", "Admin,FunctionalReferent")

    # Session and login hardening.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", False, bool)
    # An idle timeout: the session is made permanent at login and renewed by each request.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env("SESSION_LIFETIME_MINUTES", 120, int))
    AUTH_RATE_LIMITED = env("AUTH_RATE_LIMITED", True, bool)
    RATELIMIT_ENABLED = env("RATELIMIT_ENABLED", True, bool)
    # Login attempts per client address, browser and API counted together.
    AUTH_RATE_LIMIT = env("AUTH_RATE_LIMIT", "10 per 20 second")
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Languages: French first.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    # Flask-AppBuilder's own catalogue first, then ours for its texts, then ours: later ones win.
    BABEL_TRANSLATION_DIRECTORIES = ";".join(
        os.path.join(BASE_DIR, "translations", sub) for sub in ("fab", "")
    )
    LANGUAGES = {
        "fr": {"flag": "fr", "name": "Français"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Limits on what users type (characters).
    MAX_TEXT_LENGTH = env("MAX_TEXT_LENGTH", 10000, int)
    MAX_HOURS = env("MAX_HOURS", 500, int)
    CONTRACTS_PAGE_SIZE = 50
    # Reports: counts below this are masked for users who may not see health-related figures.
    REPORT_MASK_THRESHOLD = env("REPORT_MASK_THRESHOLD", 5, int)

    # Student information system: Apogée's SOAP web services (app/sis, docs/apogee.md). Endpoints are
    # <APOGEE_BASE_URL>/<Service> unless APOGEE_<SERVICE>_URL gives one (API gateways); the WSDL is
    # AMUE's file in APOGEE_WSDL_DIR, else APOGEE_WSDL_URL ("{service}" is replaced), else <endpoint>?wsdl.
    SIS_BACKEND = env("SIS_BACKEND", "apogee")
    APOGEE_BASE_URL = env("APOGEE_BASE_URL", "")
    APOGEE_SERVICES = ("EtudiantMetier", "AdministratifMetier", "PedagogiqueMetier", "OffreFormationMetier",
                       "ReferentielMetier", "InfosEtuMetier")
    APOGEE_SERVICE_URLS = {service: env(f"APOGEE_{service.upper()}_URL", "") for service in APOGEE_SERVICES}
    # One more header for one service, e.g. APOGEE_ETUDIANTMETIER_HEADER="X-Gravitee-Api-Key: secret"
    APOGEE_SERVICE_HEADERS = {service: env(f"APOGEE_{service.upper()}_HEADER", "") for service in APOGEE_SERVICES}
    APOGEE_WSDL_DIR = env("APOGEE_WSDL_DIR", "")
    APOGEE_WSDL_URL = env("APOGEE_WSDL_URL", "")
    APOGEE_USER = env("APOGEE_USER", "")
    APOGEE_PASSWORD = env("APOGEE_PASSWORD", "")
    APOGEE_EXTRA_HEADER = env("APOGEE_EXTRA_HEADER", "")  # e.g. "X-Gravitee-Api-Key: secret"
    APOGEE_VERIFY_TLS = env("APOGEE_VERIFY_TLS", True, bool)
    APOGEE_CA_BUNDLE = env("APOGEE_CA_BUNDLE", "")  # a CA file for a private certificate authority
    APOGEE_CONNECT_TIMEOUT = env("APOGEE_CONNECT_TIMEOUT", 5.0, float)
    APOGEE_READ_TIMEOUT = env("APOGEE_READ_TIMEOUT", 30.0, float)
    APOGEE_RETRIES = env("APOGEE_RETRIES", 2, int)  # transport errors and "Apogée offline" faults
    APOGEE_BACKOFF = env("APOGEE_BACKOFF", 0.5, float)  # seconds, doubled at each retry
    APOGEE_CONCURRENCY = env("APOGEE_CONCURRENCY", 8, int)
    APOGEE_PAGE_TIMEOUT = env("APOGEE_PAGE_TIMEOUT", 5.0, float)  # the IP panel of a contract page
    APOGEE_PAGE_CACHE_SECONDS = env("APOGEE_PAGE_CACHE_SECONDS", 300, int)
    SYNC_CRON = env("SYNC_CRON", "30 2 * * *")  # nightly; empty disables the scheduled sync
    SYNC_BATCH_SIZE = env("SYNC_BATCH_SIZE", 200, int)  # students per commit (or SYNC_BATCH_SECONDS)
    SYNC_BATCH_SECONDS = 2.0
    SYNC_IDLE_COMMIT_SECONDS = 0.5  # commit earlier when waiting for Apogée
    SYNC_STALE_MINUTES = env("SYNC_STALE_MINUTES", 15, int)
    SYNC_MAX_ERRORS = env("SYNC_MAX_ERRORS", 500, int)  # errors kept per run (all are counted)
    SYNC_UI_WAIT_SECONDS = 1.0  # "start a sync" waits this long to report an immediate failure

    # Documents, e-mail and scheduled jobs.
    # E-mail is stored in the outbox table first, then sent over SMTP by the "outbox-send" job.
    MAIL_SERVER = env("MAIL_SERVER", "localhost")
    MAIL_PORT = env("MAIL_PORT", 25, int)
    MAIL_USE_TLS = env("MAIL_USE_TLS", False, bool)  # STARTTLS on a plain connection (port 587)
    MAIL_USE_SSL = env("MAIL_USE_SSL", False, bool)  # implicit TLS (port 465)
    MAIL_CA_FILE = env("MAIL_CA_FILE")  # CA bundle of a private authority; certificates are always verified
    MAIL_USERNAME = env("MAIL_USERNAME")
    MAIL_PASSWORD = env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "ConPeRe <conpere@localhost>")
    MAIL_TIMEOUT = env("MAIL_TIMEOUT", 30, int)
    MAIL_MAX_ATTEMPTS = env("MAIL_MAX_ATTEMPTS", 10, int)  # then "failed", shown to admins
    MAIL_RETRY_SECONDS = env("MAIL_RETRY_SECONDS", 60, int)  # first retry delay, doubled each time
    MAIL_RETRY_MAX_SECONDS = env("MAIL_RETRY_MAX_SECONDS", 3600, int)
    MAIL_BATCH_SIZE = env("MAIL_BATCH_SIZE", 200, int)
    OUTBOX_KEEP_DAYS = env("OUTBOX_KEEP_DAYS", 90, int)  # sent messages are deleted after this
    # Jobs: five-field cron expressions (six fields: seconds first); "off" disables a job.
    SCHEDULER_TIMEZONE = env("SCHEDULER_TIMEZONE", "Europe/Paris")
    SCHEDULER_LOCK_TTL = env("SCHEDULER_LOCK_TTL", 120, int)  # seconds before a silent scheduler's lock is taken
    OUTBOX_CRON = env("OUTBOX_CRON", "* * * * *")
    DIGEST_CRON = env("DIGEST_CRON", "0 7 * * *")
    REMINDER_CRON = env("REMINDER_CRON", "0 8 * * *")
    EXPORT_CRON = env("EXPORT_CRON", "30 2 * * *")
    EXPORT_DIR = env("EXPORT_DIR", os.path.join(BASE_DIR, "exports"))
    EXPORT_KEEP = env("EXPORT_KEEP", 7, int)  # nightly extractions kept per faculty
    PDF_WORKERS = env("PDF_WORKERS", 0, int)  # processes rendering bulk PDFs; 0 = one per core


class DevelopmentConfig(Config):
    DEBUG = env("FLASK_DEBUG", False, bool)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", True, bool)
    PUBLIC_URL = env("PUBLIC_URL", "https://conpere.example.fr")


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SECRET_KEY = "test-secret-long-enough-for-hmac-sha256"
    # Tests log in thousands of times: a cheap hash keeps them fast (production keeps scrypt).
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env():
    name = os.environ.get("CONPERE_CONFIG", "development")
    if name not in CONFIGS:
        raise SystemExit(f"CONPERE_CONFIG={name!r} is unknown; use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
