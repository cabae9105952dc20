"""Addresses that people type (the PEC link, links in the charter and the help bubbles): only
``http://`` and ``https://`` addresses of a named host, checked in the form with a clear message
and again when a page shows them (a value stored before the check, or written to the database
by other means, never becomes a ``javascript:`` or ``file:`` link).
"""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import ValidationError

WEB_SCHEMES = ("http", "https")
_FORBIDDEN_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f\\]")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "cite", "poster", "background"}


def is_web_url(value):
    """True for an absolute http(s) address with a host; False for anything else."""
    if not isinstance(value, str) or not value or _FORBIDDEN_CHARACTERS.search(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(host) and value.lower().startswith(parts.scheme.lower() + "://")


def is_link_target(value):
    """What a link in rich text may point to: a web address, or an e-mail address (mailto:)."""
    if isinstance(value, str) and value.lower().startswith("mailto:"):
        return "@" in value and not _FORBIDDEN_CHARACTERS.search(value)
    return is_web_url(value)


class WebUrl:
    """WTForms validator: the field holds an http(s) address (use with Optional() if it may be empty)."""

    message = _l("Give a web address starting with https:// (or http://), e.g. https://pec.univ.fr/.")

    def __call__(self, form, field):
        field.data = (field.data or "").strip() or None
        if field.data is not None and not is_web_url(field.data):
            raise ValidationError(self.message)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value or "" for name, value in attrs if name.lower() in URL_ATTRIBUTES]


def bad_links(html):
    """The link targets of ``html`` that are neither web nor e-mail addresses."""
    parser = _Links()
    parser.feed(html or "")
    parser.close()
    return [target for target in parser.targets if not is_link_target(target.strip())]


def web_links_only(form, field):
    """WTForms validator for rich text: every link is a web or e-mail address."""
    bad = bad_links(field.data)
    if bad:
        raise ValidationError(
            _l("Links must be web addresses starting with https:// (or http://) or e-mail addresses "
               "(mailto:); these are not: %(links)s", links=", ".join(repr(b[:80]) for b in bad))
        )


def web_url_filter(value):
    """Jinja filter: the address when it is a web address, else None (the link is not shown)."""
    value = (value or "").strip() if isinstance(value, str) else value
    return value if is_web_url(value) else None


def init_app(app):
    from app.ui.sanitize import clean_html

    app.jinja_env.filters["web_url"] = web_url_filter
    # Rich text written by referents, sanitised again at each rendering.
    app.jinja_env.filters["rich_text"] = lambda html: Markup(clean_html(html))
