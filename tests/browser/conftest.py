"""A real Chromium driving the application served over HTTP on a loopback port.

Skips with the install command when Chromium or Playwright is missing; `.ci/run` installs both.
"""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Chromium is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is missing: pip install -r requirements-dev.txt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(app):
    """The module's app served by a real HTTP server in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()


def login_with_keyboard(page, username, password="demo"):
    """Sign in using the keyboard only: Tab to each field, type, Enter."""
    page.goto("/login/")
    tab_to(page, "#username")
    page.keyboard.type(username)
    tab_to(page, "#password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login" not in page.url, f"login of {username} failed"


def tab_to(page, selector, limit=200):
    """Press Tab until the element is focused: proves it is reachable from the keyboard."""
    target = page.locator(selector).first.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")
