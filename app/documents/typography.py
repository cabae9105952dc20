"""French typography for printed documents: no-break spaces where French puts them.

A space before « : ; ! ? » and inside « guillemets » must never start a line. Applied to text only,
never inside HTML tags.
"""
import re

NBSP = "\u00a0"  # before ":" and inside guillemets
NNBSP = "\u202f"  # narrow, before ";", "!" and "?"

_TAG = re.compile(r"(<[^>]*>|&[#a-zA-Z0-9]+;)")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$)")
_BEFORE_PUNCT = re.compile(r"[ \u00a0\u202f]+([;!?])")
_OPEN_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0\u202f]*»")


def french_text(text):
    if not text:
        return text
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_PUNCT.sub(NNBSP + r"\1", text)
    text = _OPEN_QUOTE.sub("«" + NBSP, text)
    return _CLOSE_QUOTE.sub(NBSP + "»", text)


def french_html(html):
    """The same, on the text between the tags of an HTML fragment."""
    if not html:
        return html
    return "".join(part if _TAG.fullmatch(part) else french_text(part) for part in _TAG.split(html))
