"""In a real Chromium: sign in (CSRF on), act as a student, see the banner, come back, sign out."""
import os
import threading

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
APP_CONFIG = {"WTF_CSRF_ENABLED": True}


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def test_login_act_as_a_student_banner_back_and_logout(browser, server):
    page = browser.new_page()
    try:
        page.goto(f"{server}/login/")
        page.fill("input[name=username]", "referent")
        page.fill("input[name=password]", "demo")
        page.click("form[name=login] button[type=submit]")
        page.wait_for_url("**/contracts/dashboard/")

        page.click("a[href='/impersonation/']")  # the menu link, offered to impersonators only
        page.fill("#f-last-name", "Martin")
        page.fill("#f-first-name", "Camille")
        page.click("form[role=search] button[type=submit]")
        page.click(".impersonation-candidates form:has(input[name=user_id]) button")

        banner = page.locator("#impersonation-banner")
        banner.wait_for()
        assert "Camille Martin" in banner.inner_text() and "Rémi Référent" in banner.inner_text()
        assert "/my/contract/" in page.url  # the student's home
        page.goto(f"{server}/my/contacts/")
        assert page.locator("#impersonation-banner").is_visible()  # on every page

        page.click("#impersonation-banner button[type=submit]")
        page.wait_for_url("**/impersonation/")
        assert page.locator("#impersonation-banner").count() == 0

        page.click("a.dropdown-toggle:has(.fa-user)")
        page.click(".logout-form button[type=submit]")
        page.wait_for_url("**/login/")
        page.goto(f"{server}/contracts/dashboard/")
        assert "/login/" in page.url
    finally:
        page.close()
