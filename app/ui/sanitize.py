"""Sanitising the rich text that referents write (charter, help bubbles)."""
import nh3

from app.ui.urls import is_link_target

# What the editor (Trix, app/ui/richtext.py) writes is kept: its blocks are <div>, its headings <h2>.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h2", "h3", "h4", "i", "li", "ol", "p",
    "span", "strong", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"lang"}}


def _keep_attribute(tag, attribute, value):
    # Links: absolute web or e-mail addresses only. A relative or protocol-relative one ("//host/")
    # would point elsewhere in the PDF (file://host/) than on the page.
    if attribute == "href":
        return value if is_link_target(value.strip()) else None
    return value


def clean_html(html):
    """Keep formatting and links, drop scripts, styles, event handlers and unsafe URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        url_relative="deny",
        link_rel="noopener noreferrer",
    )
