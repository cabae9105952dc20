"""What every template can use: labels, the locale, formatting filters and the acting user."""
from datetime import timezone
from decimal import Decimal

from flask import g, has_app_context
from flask_babel import format_date, format_datetime, get_locale, get_timezone

from app import policy
from app.contracts import labels


def hours(value):
    """12.0 → « 12 h », 1.5 → « 1,5 h » in French."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    if str(get_locale()) == "fr":
        text = text.replace(".", ",")
    return f"{text}\u00a0h"


DATETIME_PATTERN = "d MMMM y HH:mm"


def datetime_text(value):
    """« 3 novembre 2026 15:05 »: Babel's ``DATETIME_PATTERN`` in the reader's language and time zone
    (stored times are UTC), from month names and zone read once per request: a list formats one
    per row, and Flask-Babel's own call costs 50–80 µs each."""
    if not value:
        return ""
    parts = _datetime_parts()
    if parts is None:
        return format_datetime(value, DATETIME_PATTERN)
    months, zone = parts
    local = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone)
    return f"{local.day} {months[local.month]} {local.year} {local:%H:%M}"


def _datetime_parts():
    if not has_app_context():
        return None
    if "_datetime_parts" not in g:
        locale = get_locale()
        g._datetime_parts = (locale.months["format"]["wide"], get_timezone()) if locale is not None else None
    return g._datetime_parts


def init_app(app):
    from app.security import current_impersonator

    @app.context_processor
    def conpere_context():
        user = getattr(g, "user", None)
        return {
            "locale": str(get_locale() or "fr"),
            "labels": labels,
            "year_label": labels.year_label,
            "policy": policy,
            "impersonator": current_impersonator() if user is not None and user.is_authenticated else None,
        }

    def is_menu_visible(item):
        # FAB's own filter ignores a menu item's condition (``cond``); its menu API honours it.
        return item.should_render() and app.appbuilder.sm.has_access("menu_access", item.name)

    app.jinja_env.filters["is_menu_visible"] = is_menu_visible
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["hours"] = hours
    app.jinja_env.filters["date"] = lambda d: format_date(d, "long") if d else ""
    app.jinja_env.filters["datetime"] = datetime_text
