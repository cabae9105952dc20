"""Sanitising the rich text that referents write (charter, help bubbles)."""
import nh3

# What the editor (Trix, app/ui/richtext.py) writes is kept: its blocks are <div>, its headings <h2>.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h2", "h3", "h4", "i", "li", "ol", "p",
    "span", "strong", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"lang"}}


def clean_html(html):
    """Keep formatting and links, drop scripts, styles, event handlers and unsafe URLs."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
