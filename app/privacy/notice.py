"""The information notice on personal data, shown to each student until they say they have read it.

Its text is the « privacy_notice » help text (edited by functional referents, like every legal
mention); the facts that depend on the code and the settings (retention, the read log) are added
by the template from ``facts()``, so they always match what the application does.
"""
from urllib.parse import urlparse

from flask import g, has_request_context
from sqlalchemy import select

from app import policy
from app import roles as R
from app.campaign import current_settings, help_texts
from app.extensions import db
from app.privacy.models import NoticeSeen
from app.security import current_impersonator

HELP_KEY = "privacy_notice"


def pending(user):
    """Whether the notice still has to be shown to this user (a student who has not read it)."""
    if user is None or not getattr(user, "is_authenticated", False) or not policy.has_role(user, R.STUDENT):
        return False
    if has_request_context() and "_notice_pending" in g:
        return g._notice_pending
    result = db.session.scalar(select(NoticeSeen.user_id).where(NoticeSeen.user_id == user.id)) is None
    if has_request_context():
        g._notice_pending = result
    return result


def mark_seen(user):
    """Record that the student read the notice; nobody acting as them can do it in their place."""
    if current_impersonator() is not None:
        return False
    if db.session.get(NoticeSeen, user.id) is None:
        db.session.add(NoticeSeen(user_id=user.id))
        db.session.commit()
    return True


def text():
    """The notice itself, in the user's language (sanitised HTML edited by referents)."""
    from flask_babel import get_locale

    return help_texts(str(get_locale() or "fr")[:2]).get(HELP_KEY, "")


def facts():
    settings = current_settings()
    return {
        "retention_years": settings.retention_years,
        "read_log_months": settings.read_log_retention_months,
        "identity_years": settings.identity_retention_years,
        "contact_email": settings.contact_email,
        "institution_name": settings.institution_name,
    }


def safe_next(target, default):
    """A path inside this application to go back to, never another site."""
    parts = urlparse(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
