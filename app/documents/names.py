"""File names that any system accepts."""
import re
import unicodedata


def ascii_slug(text, limit=40):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:limit]
