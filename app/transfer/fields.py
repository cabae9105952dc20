"""Checking values read from an import file: each parser returns the clean value or raises Invalid.

Shared by the settings file (JSON) and the contract import (Excel), so both refuse the same things
with the same words.
"""
import base64
import binascii
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation


class Invalid(ValueError):
    """The value at hand cannot be imported; the message says why, for the person who wrote the file."""


def text(limit, required=False, nullable=False):
    def parse(value):
        if value is None or (nullable and value == ""):
            if nullable:
                return None
            value = ""
        if not isinstance(value, str):
            raise Invalid("must be text")
        if required and not value.strip():
            raise Invalid("must not be empty")
        if len(value) > limit:
            raise Invalid(f"is too long ({len(value)} characters, {limit} at most)")
        return value
    return parse


def integer(low, high, nullable=False):
    def parse(value):
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            else:
                raise Invalid("must be a whole number")
        if not low <= value <= high:
            raise Invalid(f"must be between {low} and {high}")
        return value
    return parse


def boolean(value):
    if not isinstance(value, bool):
        raise Invalid("must be true or false")
    return value


def number(maximum, nullable=False, step=Decimal("0.1")):
    """A positive decimal (hours, ECTS), rounded to ``step``."""
    def parse(value):
        if value is None or value == "":
            if nullable:
                return None
            raise Invalid("is required")
        if isinstance(value, bool):
            raise Invalid("must be a number")
        try:
            result = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise Invalid("must be a number") from None
        if not result.is_finite() or result <= 0 or result > maximum:
            raise Invalid(f"must be a number between 0 and {maximum}")
        return result.quantize(step)
    return parse


def day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise Invalid("must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("must be a date (YYYY-MM-DD)") from None


def choice(*allowed):
    def parse(value):
        if value not in allowed:
            raise Invalid("must be one of " + ", ".join(repr(a) for a in allowed))
        return value
    return parse


def matching(pattern, description, limit, nullable=False):
    compiled = re.compile(pattern)

    def parse(value):
        value = text(limit, nullable=nullable)(value)
        if value is not None and not compiled.fullmatch(value):
            raise Invalid(f"must be {description}")
        return value
    return parse


def base64_image(max_bytes, kind_of):
    """PNG or JPEG bytes written as base64 (``kind_of(data)`` names the type or returns None)."""
    def parse(value):
        if value is None:
            return None
        if not isinstance(value, str):
            raise Invalid("must be base64 text")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("must be base64 text") from None
        if len(data) > max_bytes or kind_of(data) is None:
            raise Invalid(f"must be a PNG or JPEG image of {max_bytes // 1024} KB at most")
        return data
    return parse


def plain(value):
    """A stored value as it is written in the file: decimals without trailing zeros, ISO dates, base64."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def same(parse, stored, value):
    """Whether a stored value already says what the file says, once both are read the same way
    (e.g. rich text sanitised: a text stored before sanitising is not changed for nothing)."""
    if stored == value:
        return True
    try:
        return parse(plain(stored)) == value
    except Invalid:
        return False
