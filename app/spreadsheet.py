"""Text written into a spreadsheet cell (Excel extractions and templates, the read log's CSV): shown as
it is, never run as a formula (« CSV injection »)."""
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Text a spreadsheet shows as it is: no control characters, never run as a formula."""
    if not value:
        return value
    if not value.isprintable():  # fast path: most values hold no control character at all
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value
