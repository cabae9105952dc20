"""Helpers for the tests that drive a real browser (fixtures `browser`, `live_server`, `page` are in
tests/conftest.py)."""


def sign_in(page, username, password="demo"):
    """Sign in through the login page (relative to the page's base URL); the user's home page follows."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit], input[type=submit]")
    assert "/login" not in page.url, f"login of {username} failed"


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
