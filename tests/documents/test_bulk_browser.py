"""The bulk download page in a real browser: progress counts the PDFs, then the ZIP is saved."""
import io
import zipfile

import pytest

from app.catalog.models import Settings
from app.extensions import db
from tests.documents.conftest import programme_id

# These tests read the English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}

pytestmark = pytest.mark.browser


def test_the_bulk_page_shows_progress_and_saves_the_zip(app, live_server, browser, tmp_path):
    with app.app_context():
        l1math, year = programme_id("L1MATH"), db.session.get(Settings, 1).current_year
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{live_server}/login/")
    page.fill("input[name=username]", "detu")
    page.fill("input[name=password]", "demo")
    page.click("[type=submit]")
    page.goto(f"{live_server}/contracts/list/?programme={l1math}&year={year}")
    page.click("text=PDFs of these contracts (ZIP)")
    link = page.locator("#bulk-download")
    count = int(link.get_attribute("data-count"))
    assert count > 1
    page.evaluate("""() => {
        window.progressTexts = [];
        new MutationObserver(() => window.progressTexts.push(document.getElementById('bulk-status').textContent))
            .observe(document.getElementById('bulk-status'), {childList: true, characterData: true, subtree: true});
    }""")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "contracts.zip"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"contrats-L1MATH-101-{year}.zip"
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    assert len(archive.namelist()) == count
    page.wait_for_function("document.getElementById('bulk-status').textContent === 'Download complete.'")
    texts = page.evaluate("window.progressTexts")
    counted = [t for t in texts if "PDFs received" in t]
    assert counted and counted[-1] == f"{count} of {count} PDFs received…", texts  # counted from the stream
    page.close()
