"""In a real Chromium: sign in (CSRF on), act as a student, see the banner, come back, sign out."""
import pytest

pytestmark = pytest.mark.browser

APP_CONFIG = {"WTF_CSRF_ENABLED": True}


def test_login_act_as_a_student_banner_back_and_logout(browser, live_server):
    page = browser.new_page()
    try:
        page.goto(f"{live_server}/login/")
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
        page.goto(f"{live_server}/my/contacts/")
        assert page.locator("#impersonation-banner").is_visible()  # on every page

        page.click("#impersonation-banner button[type=submit]")
        page.wait_for_url("**/impersonation/")
        assert page.locator("#impersonation-banner").count() == 0

        page.click("a.dropdown-toggle:has(.fa-user)")
        page.click(".logout-form button[type=submit]")
        page.wait_for_url("**/login/")
        page.goto(f"{live_server}/contracts/dashboard/")
        assert "/login/" in page.url
    finally:
        page.close()
