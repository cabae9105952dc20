"""The academic year, one rule for every place a user or a system gives one: the settings and campaign
forms, the settings file, the report and extraction filters, the command lines and the API.

An academic year is named by the calendar year it starts in: 2026 for 2026-2027. Each entry point
says what is wrong in its own way (a form keeps the input, a command prints one line, the API answers
400); the bounds and the check live here only.
"""
from flask_babel import lazy_gettext as _l
from wtforms.validators import NumberRange

FIRST = 2000
LAST = 2100
# For command lines, files and the API (English, like their other messages).
REASON = f"an academic year: the year it starts in, from {FIRST} to {LAST} (2026 for 2026-2027)"


def is_academic_year(value):
    return isinstance(value, int) and not isinstance(value, bool) and FIRST <= value <= LAST


def parse(raw):
    """The academic year written in ``raw`` (an int, or digits with spaces around); ValueError(REASON) otherwise."""
    text = str(raw).strip() if raw is not None else ""
    if text.isascii() and text.isdigit() and is_academic_year(int(text)):
        return int(text)
    raise ValueError(REASON)


def invalid_message():
    """What a page says of a year it refuses (translated)."""
    return _l("An academic year is the year it starts in, from %(first)s to %(last)s (2026 for 2026-2027).",
              first=FIRST, last=LAST)


def validator():
    """The WTForms validator of a year field: the form keeps what was typed and says what is wrong."""
    return NumberRange(min=FIRST, max=LAST, message=invalid_message())
