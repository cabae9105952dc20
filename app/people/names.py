"""Names as staff type them: without accents, case or punctuation (« lefevre » finds « Lefèvre »).

The same key is stored on each student (``Student.search_name``, indexed) and computed from what
is typed in a search box, so the database compares plain lowercase ASCII on SQLite and PostgreSQL
alike.
"""
import re
import unicodedata

# Letters NFKD does not split into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+")


def search_key(*parts):
    """« Lefèvre-Dupont », « Zoé » → « lefevre dupont zoe »: one space between words."""
    text = " ".join(part for part in parts if part)
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def search_words(typed, limit=6):
    """The words of a search box, as keys; a handful at most (each one is a condition)."""
    return search_key(typed).split()[:limit]


def like_pattern(word):
    """A LIKE pattern matching ``word`` anywhere; keys hold no ``%`` or ``_`` (they are not word letters)."""
    return f"%{word}%"
