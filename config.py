"""Configuration classes. Every value can be overridden by an environment variable of the same name.

Pick a class with CONPERE_CONFIG (``development`` by default, ``production``, ``test``).
"""
import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB, AUTH_LDAP, AUTH_REMOTE_USER

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.path.join(BASE_DIR, "instance")


# AUTH_TYPE=db|ldap|cas → Flask-AppBuilder's constant (CAS runs in FAB's "remote user" slot).
AUTH_TYPES = {"db": AUTH_DB, "ldap": AUTH_LDAP, "cas": AUTH_REMOTE_USER}


def env(name, default=None, cast=str):
    """Read an environment variable, converting it with ``cast`` (bool understands 1/true/yes/on)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if cast is bool:
        return raw.strip().lower() in ("1", "true", "yes", "on", "oui")
    return cast(raw)


DEV_SECRET_KEY = "dev-only-change-me"  # published: production refuses it
SECRET_KEY_MIN_LENGTH = 32


class Config:
    APP_NAME = "ConPeRe"
    PRODUCTION = False  # ProductionConfig: unsafe settings stop the start (check_production)
    SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
    # Signs the API's JWTs; falls back to SECRET_KEY when unset. Give it its own value so that a
    # leaked API key cannot forge browser sessions and the other way round.
    JWT_SECRET_KEY = env("JWT_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env(
        "DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "conpere.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A connection that died with a database restart is replaced before use, not reported as a 500.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:5000")
    # Largest request body (bytes): bigger uploads answer 413 before anything reads them.
    MAX_CONTENT_LENGTH = env("MAX_CONTENT_LENGTH", 16 * 1024 * 1024, int)

    # Flask-AppBuilder: Alembic owns the schema, no permission rows: roles live in code (app/roles.py),
    # handed to FAB by app.security.SecurityManager; create_app gives FAB the project's classes.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    FAB_API_SWAGGER_UI = True
    FAB_ADD_OPENAPI_VIEWS = False  # app.api registers them, with a completed document
    FAB_API_MAX_PAGE_SIZE = 100
    # Machine clients authenticate with API keys ("Authorization: Bearer sst_…") of service
    # accounts that administrators manage (app/api/accounts.py, docs/api.md).
    FAB_API_KEY_ENABLED = True
    FAB_ADD_SECURITY_API = False
    # Permissions live in code (app/roles.py): FAB's permission editors would show nothing useful.
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    AUTH_USERNAME_CI = True

    # Login: database accounts (the embedded demo), the LDAP directory (docs/ldap.md) or CAS
    # single sign-on (docs/cas.md): AUTH_TYPE=db|ldap|cas (LDAP_ENABLED=1 still means ldap).
    AUTH_TYPE = AUTH_TYPES.get(env("AUTH_TYPE", "ldap" if env("LDAP_ENABLED", False, bool) else "db").strip().lower())
    # A local administrator who signs in with a database password whatever the directory or CAS
    # does (/login/?local=1 under CAS); off when empty.
    BREAK_GLASS_USERNAME = env("BREAK_GLASS_USERNAME", "")
    # Where signing out lands (e.g. the portal of the university); the home page when empty.
    LOGOUT_REDIRECT_URL = env("LOGOUT_REDIRECT_URL", "")
    CAS_SERVER_URL = env("CAS_SERVER_URL", "")  # e.g. https://cas.univ.fr/cas/
    CAS_TIMEOUT = env("CAS_TIMEOUT", 5.0, float)  # seconds, ticket validation
    CAS_CA_FILE = env("CAS_CA_FILE", "")  # a private certificate authority
    # Roles of CAS users: "directory" (ldap3 lookup by the CAS user id, with the LDAP_* settings)
    # or "attributes" (the attributes CAS releases, named below).
    CAS_ROLES_FROM = env("CAS_ROLES_FROM", "directory")
    CAS_FIRST_NAME_ATTRIBUTE = env("CAS_FIRST_NAME_ATTRIBUTE", "givenName")
    CAS_LAST_NAME_ATTRIBUTE = env("CAS_LAST_NAME_ATTRIBUTE", "sn")
    CAS_EMAIL_ATTRIBUTE = env("CAS_EMAIL_ATTRIBUTE", "mail")
    CAS_STUDENT_NUMBER_ATTRIBUTE = env("CAS_STUDENT_NUMBER_ATTRIBUTE", "supannEtuId")
    CAS_GROUPS_ATTRIBUTE = env("CAS_GROUPS_ATTRIBUTE", "memberOf")
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

    # Session and login hardening (docs/security.md).
    # Reverse proxies in front of the application: how many X-Forwarded-* hops to trust (0: none).
    TRUSTED_PROXIES = env("TRUSTED_PROXIES", 0, int)
    # Strict-Transport-Security max-age (seconds) on HTTPS answers; 0: not sent (the http demo).
    HSTS_SECONDS = env("HSTS_SECONDS", 0, int)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", False, bool)
    # An idle timeout: the session is made permanent at login and renewed by each request.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env("SESSION_LIFETIME_MINUTES", 120, int))
    # Whatever the activity, a session ends this long after the login (signed in again).
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env("SESSION_ABSOLUTE_HOURS", 12, int))
    AUTH_RATE_LIMITED = env("AUTH_RATE_LIMITED", True, bool)
    RATELIMIT_ENABLED = env("RATELIMIT_ENABLED", True, bool)
    # Login attempts per client address, browser and API counted together.
    AUTH_RATE_LIMIT = env("AUTH_RATE_LIMIT", "10 per 20 second")
    # Failed logins per account, whatever the address (a password guessed from many addresses).
    AUTH_ACCOUNT_RATE_LIMIT = env("AUTH_ACCOUNT_RATE_LIMIT", "10 per 10 minute")
    # Where the counters live: "database://" (the application's database, shared by every web
    # node), "redis://host:6379/0", or "memory://" (one process only).
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "database://")
    # Database accounts: a new password has at least this many characters.
    PASSWORD_MIN_LENGTH = env("PASSWORD_MIN_LENGTH", 12, int)
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
    SIS_BACKEND = env("SIS", env("SIS_BACKEND", "apogee"))  # SIS=apogee|pegase
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
    # Pégase's external REST APIs (app/sis/pegase, docs/pegase.md): each API at PEGASE_<API>_URL (INS,
    # CHC, COC, IDT), or all under PEGASE_BASE_URL; the service account's JWT from PEGASE_AUTH_URL.
    PEGASE_BASE_URL = env("PEGASE_BASE_URL", "")
    PEGASE_INS_URL = env("PEGASE_INS_URL", "")  # https://ins.<instance>.pc-scol.fr/api/ins/ext/v2
    PEGASE_CHC_URL = env("PEGASE_CHC_URL", "")  # https://chc.<instance>.pc-scol.fr/api/ext/chc/v1
    PEGASE_COC_URL = env("PEGASE_COC_URL", "")  # https://coc.<instance>.pc-scol.fr/api/coc/publication/v2
    PEGASE_IDT_URL = env("PEGASE_IDT_URL", "")  # https://idt.<instance>.pc-scol.fr/api/idt/ext/v1
    PEGASE_AUTH_URL = env("PEGASE_AUTH_URL", "")  # https://authn-app.<instance>.pc-scol.fr/cas/v1/tickets
    PEGASE_USER = env("PEGASE_USER", "")  # the service account (e.g. svc-api)
    PEGASE_PASSWORD = env("PEGASE_PASSWORD", "")
    PEGASE_STRUCTURE = env("PEGASE_STRUCTURE", "ETAB00")  # the institution's code in Pégase
    PEGASE_PERIOD_CODE = env("PEGASE_PERIOD_CODE", "PER-{year}")  # a year's period of implementation
    PEGASE_PROGRAMME_VERSION = env("PEGASE_PROGRAMME_VERSION", "PEG")  # 2nd part of programme keys
    PEGASE_VERIFY_TLS = env("PEGASE_VERIFY_TLS", True, bool)
    PEGASE_CA_BUNDLE = env("PEGASE_CA_BUNDLE", "")
    PEGASE_CONNECT_TIMEOUT = env("PEGASE_CONNECT_TIMEOUT", 5.0, float)
    PEGASE_READ_TIMEOUT = env("PEGASE_READ_TIMEOUT", 30.0, float)
    PEGASE_RETRIES = env("PEGASE_RETRIES", 2, int)  # transport errors only
    PEGASE_BACKOFF = env("PEGASE_BACKOFF", 0.5, float)  # seconds, doubled at each retry
    PEGASE_CONCURRENCY = env("PEGASE_CONCURRENCY", 8, int)
    PEGASE_PAGE_SIZE = env("PEGASE_PAGE_SIZE", 500, int)  # registrations per page of the flux (500 at most)
    PEGASE_TOKEN_MARGIN = env("PEGASE_TOKEN_MARGIN", 300.0, float)  # renew the JWT this long before expiry
    PEGASE_LISTING_SECONDS = env("PEGASE_LISTING_SECONDS", 60.0, float)  # a year's flux is reused this long
    PEGASE_PAGE_TIMEOUT = env("PEGASE_PAGE_TIMEOUT", 5.0, float)  # the contract page's panel
    SYNC_CRON = env("SYNC_CRON", "30 2 * * *")  # nightly; empty disables the scheduled sync
    SYNC_REQUESTS_CRON = env("SYNC_REQUESTS_CRON", "* * * * *")  # the scheduler starts requested runs
    SYNC_BATCH_SIZE = env("SYNC_BATCH_SIZE", 200, int)  # students per commit (or SYNC_BATCH_SECONDS)
    SYNC_BATCH_SECONDS = 2.0
    SYNC_IDLE_COMMIT_SECONDS = 0.5  # commit earlier when waiting for Apogée
    SYNC_HEARTBEAT_SECONDS = env("SYNC_HEARTBEAT_SECONDS", 10.0, float)  # a running run's sign of life
    SYNC_STALE_SECONDS = env("SYNC_STALE_SECONDS", 60.0, float)  # silent this long: dead, marked failed
    SYNC_STEP_RETRIES = env("SYNC_STEP_RETRIES", 3, int)  # faculties, offer, lists: transient failures
    SYNC_STEP_BACKOFF = env("SYNC_STEP_BACKOFF", 5.0, float)  # seconds, doubled at each retry
    SYNC_END_WAIT_SECONDS = 30.0  # how long a run waits for the database to record its end
    SYNC_MAX_ERRORS = env("SYNC_MAX_ERRORS", 500, int)  # errors kept per run (all are counted)

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
    # A message left « sending » this long belongs to a sender that died: it is sent again, same Message-ID.
    MAIL_CLAIM_SECONDS = env("MAIL_CLAIM_SECONDS", 300, int)
    OUTBOX_KEEP_DAYS = env("OUTBOX_KEEP_DAYS", 90, int)  # sent messages are deleted after this
    # Jobs: five-field cron expressions (six fields: seconds first); "off" disables a job.
    SCHEDULER_TIMEZONE = env("SCHEDULER_TIMEZONE", "Europe/Paris")
    # Seconds without a heartbeat (renewed every TTL/4) before a waiting scheduler takes over: a dead
    # scheduler is replaced within 1.25 × TTL; a live one whose renewals fail for 0.75 × TTL stops its jobs.
    SCHEDULER_LOCK_TTL = env("SCHEDULER_LOCK_TTL", 15, int)
    OUTBOX_CRON = env("OUTBOX_CRON", "* * * * *")
    DIGEST_CRON = env("DIGEST_CRON", "0 7 * * *")
    REMINDER_CRON = env("REMINDER_CRON", "0 8 * * *")
    SECURITY_PURGE_CRON = env("SECURITY_PURGE_CRON", "15 3 * * *")
    EXPORT_CRON = env("EXPORT_CRON", "30 2 * * *")
    EXPORT_DIR = env("EXPORT_DIR", os.path.join(BASE_DIR, "exports"))
    EXPORT_KEEP = env("EXPORT_KEEP", 7, int)  # nightly extractions kept per faculty
    PDF_WORKERS = env("PDF_WORKERS", 0, int)  # processes rendering bulk PDFs; 0 = one per core
    # Larger documents are prepared by the scheduler process (never holding a web worker): the user
    # follows their progress on a page, then downloads them. About 1 to 2 s of work each, inline.
    EXPORT_INLINE_ROWS = env("EXPORT_INLINE_ROWS", 3000, int)  # contracts in an Excel extraction
    BULK_INLINE_PDFS = env("BULK_INLINE_PDFS", 30, int)  # PDFs in a ZIP
    DOCUMENT_TASKS_CRON = env("DOCUMENT_TASKS_CRON", "*/5 * * * * *")  # six fields: every 5 seconds
    DOCUMENT_TASK_KEEP_HOURS = env("DOCUMENT_TASK_KEEP_HOURS", 24, int)
    # Data protection: anonymise contracts past their retention period, delete old read-log lines
    # (the periods are in the settings, edited in the application).
    RETENTION_CRON = env("RETENTION_CRON", "0 4 * * *")
    # Contract import from Excel (app/transfer): the largest file and number of rows accepted.
    IMPORT_MAX_BYTES = env("IMPORT_MAX_BYTES", 20 * 1024 * 1024, int)
    IMPORT_MAX_ROWS = env("IMPORT_MAX_ROWS", 50000, int)


class DevelopmentConfig(Config):
    DEBUG = env("FLASK_DEBUG", False, bool)


class ProductionConfig(Config):
    PRODUCTION = True
    SECRET_KEY = env("SECRET_KEY")  # no default: check_production refuses to start without one
    PUBLIC_URL = env("PUBLIC_URL")
    SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", True, bool)
    HSTS_SECONDS = env("HSTS_SECONDS", 365 * 24 * 3600, int)


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


def _secret_problem(name, value):
    if not value:
        return f"{name} is not set"
    if value == DEV_SECRET_KEY:
        return f"{name} is the published development value"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"{name} is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    return None


def _public_url_problem(url):
    if not url:
        return "PUBLIC_URL is not set"
    return None if url.startswith("https://") else "PUBLIC_URL is not an https:// address"


def unsafe_production_settings(config):
    """What makes ``config`` (a mapping) unsafe to serve real users with, as short sentences."""
    problems = [
        _secret_problem("SECRET_KEY", config.get("SECRET_KEY")),
        # Optional: SECRET_KEY signs the API's tokens when it is unset.
        _secret_problem("JWT_SECRET_KEY", config.get("JWT_SECRET_KEY")) if config.get("JWT_SECRET_KEY") else None,
        "DATABASE_URL is SQLite (use PostgreSQL)"
        if (config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite") else None,
        _public_url_problem(config.get("PUBLIC_URL") or ""),
        "FLASK_DEBUG is on" if config.get("DEBUG") else None,
        "AUTH_TYPE is not one of db, ldap, cas" if "AUTH_TYPE" in config and config["AUTH_TYPE"] is None else None,
    ]
    return [problem for problem in problems if problem]


class UnsafeConfiguration(SystemExit):
    """Stops the start (exit status 1) with one line naming each unsafe setting."""


def check_production(config):
    """Refuse to start a production configuration that is unsafe. No-op outside production."""
    if not config.get("PRODUCTION"):
        return
    problems = unsafe_production_settings(config)
    if problems:
        raise UnsafeConfiguration(
            "ConPeRe refuses to start in production: " + "; ".join(problems)
            + ". Generate a secret with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def config_from_env():
    name = os.environ.get("CONPERE_CONFIG", "development")
    if name not in CONFIGS:
        raise SystemExit(f"CONPERE_CONFIG={name!r} is unknown; use one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
