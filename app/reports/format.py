"""How a report's cells read on the page (the locale's numbers) and in Excel (real numbers)."""
from datetime import date

from flask_babel import format_date, format_decimal, get_locale

from app.reports.tables import COUNT, DATE, HOURS, LINK, NUMBER, PERCENT, Link, is_masked


def _number(value):
    return format_decimal(value, format="#,##0.#")


def _percent(value):
    space = "\u202f" if str(get_locale()) == "fr" else ""
    return f"{_number(value)}{space}%"


def _hours(value):
    return f"{_number(value)}\u00a0h"


FORMATS = {COUNT: _number, NUMBER: _number, PERCENT: _percent, HOURS: _hours,
           DATE: lambda d: format_date(d, "short"), LINK: str}


def cell_text(value, kind):
    """A cell as the page shows it; empty for a missing figure."""
    if value is None:
        return ""
    if is_masked(value):
        return f"< {value.threshold}"
    return FORMATS.get(kind, str)(value)


def excel_value(value):
    """A cell as Excel stores it: numbers and dates stay numbers and dates."""
    if is_masked(value):
        return f"< {value.threshold}"
    if isinstance(value, Link):
        return value.text
    if isinstance(value, (int, float, date)) or value is None:
        return value
    return str(value)
