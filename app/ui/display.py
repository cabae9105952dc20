"""How values show on the generated pages: « Oui / Non », nothing for None, dates and numbers in the
reader's language, and named choices (statuses, kinds) through their label."""
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import g, has_app_context
from flask_appbuilder.security.sqla.models import Role
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone, gettext
from markupsafe import Markup

from app.roles import ROLE_LABELS


def display(value):
    """The text a cell shows for a value of any column type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM y HH:mm")
    if isinstance(value, date):
        return format_date(value, "d MMMM y")
    if isinstance(value, (Decimal, float)):
        return format_decimal(value)
    if isinstance(value, (list, tuple, set)):
        return Markup(", ").join(display(item) for item in value)
    if isinstance(value, Role):
        return ROLE_LABELS.get(value.name, value.name)
    return value


def yes_no(value):
    # A word (not a colour or an icon alone) so that it reads the same to everyone.
    word = gettext("Yes") if value else gettext("No")
    return Markup('<span class="yes-no yes-no-{}">{}</span>').format("yes" if value else "no", word)


def choice(labels):
    """A formatter showing a stored code through its label (``{"ok": _l("Succeeded"), …}``)."""

    def formatter(value):
        if value is None:
            return ""
        return labels.get(value, value)

    return formatter


def in_language(language):
    """A formatter for text written in a given language: marked so, for readers and screen readers."""

    def formatter(value):
        if not value:
            return ""
        return Markup('<span lang="{}">{}</span>').format(language, value)

    return formatter


DATETIME_PATTERN = "d MMMM y HH:mm"


def datetime_text(value):
    """« 3 novembre 2026 15:05 »: Babel's ``DATETIME_PATTERN`` in the reader's language and time zone
    (stored times are UTC)."""
    return datetime_formatter()(value)


def datetime_formatter():
    """``datetime_text`` for many values: month names and time zone read once (a list formats one
    per row, and Flask-Babel's own call costs 50–80 µs each)."""
    parts = _datetime_parts()
    if parts is None:
        return lambda value: format_datetime(value, DATETIME_PATTERN) if value else ""
    months, zone = parts

    def text(value):
        if not value:
            return ""
        local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone)
        return f"{local.day} {months[local.month]} {local.year} {local:%H:%M}"

    return text


def _datetime_parts():
    if not has_app_context():
        return None
    if "_datetime_parts" not in g:
        locale = get_locale()
        g._datetime_parts = (locale.months["format"]["wide"], get_timezone()) if locale is not None else None
    return g._datetime_parts
