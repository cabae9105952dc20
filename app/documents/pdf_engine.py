"""HTML → PDF with WeasyPrint, and nothing else: bulk rendering processes import only this module.

Fonts ship with the application (``fonts/``, DejaVu) and are embedded in every PDF. A PDF never
fetches anything over the network: only our stylesheet, our fonts and ``data:`` URIs (the logo).
"""
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

HERE = Path(__file__).resolve().parent
FONTS_DIR = HERE / "fonts"
BASE_URL = HERE.as_uri() + "/"
_local = threading.local()


class LocalFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if path.parent in (FONTS_DIR, HERE) and path.suffix in (".ttf", ".css"):
                return super().fetch(url, headers)
        raise ValueError(f"not fetched in a contract PDF: {url[:80]}")


def _renderer():
    """A fetcher and a font configuration per thread, reused across documents (fonts load once)."""
    if not hasattr(_local, "fetcher"):
        _local.fetcher = LocalFetcher(allowed_protocols={"file", "data"})
        _local.fonts = FontConfiguration()
    return _local.fetcher, _local.fonts


def html_to_pdf(html):
    fetcher, fonts = _renderer()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(font_config=fonts)


def render_entry(entry):
    """(name, html) → (name, pdf bytes): the unit of work of the bulk rendering processes."""
    name, html = entry
    return name, html_to_pdf(html)
