"""Configuration classes. Every value can be overridden by an environment variable of the same name.

Pick a class with CONPERE_CONFIG (``development`` by default, ``production``, ``test``).
"""
import os
from datetime import timedelta

from flask_appbuilder.const import AUTH_DB

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
    AUTH_TYPE = AUTH_DB
    AUTH_USERNAME_CI = True

    # Session and login hardening.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", False, bool)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env("SESSION_LIFETIME_MINUTES", 120, int))
    AUTH_RATE_LIMITED = env("AUTH_RATE_LIMITED", True, bool)
    RATELIMIT_ENABLED = env("RATELIMIT_ENABLED", True, bool)
    AUTH_RATE_LIMIT = env("AUTH_RATE_LIMIT", "10 per 20 second")
    RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Languages: French first.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
    LANGUAGES = {
        "fr": {"flag": "fr", "name": "Français"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Limits on what users type (characters).
    MAX_TEXT_LENGTH = env("MAX_TEXT_LENGTH", 10000, int)
    MAX_HOURS = env("MAX_HOURS", 500, int)
    CONTRACTS_PAGE_SIZE = 50

    # Documents, e-mail and scheduled jobs.
    # E-mail is stored in the outbox table first, then sent over SMTP by the "outbox-send" job.
    MAIL_SERVER = env("MAIL_SERVER", "localhost")
    MAIL_PORT = env("MAIL_PORT", 25, int)
    MAIL_USE_TLS = env("MAIL_USE_TLS", False, bool)  # STARTTLS on a plain connection (port 587)
    MAIL_USE_SSL = env("MAIL_USE_SSL", False, bool)  # implicit TLS (port 465)
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
    SECRET_KEY = "test-secret"
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
