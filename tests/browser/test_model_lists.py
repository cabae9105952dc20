"""A generated list's row links in a real browser (conpere/widgets/list.html): show and edit open the
row's pages; delete asks FAB's confirmation first, and the rows carry no script of their own, so
nothing breaks the strict CSP."""
import pytest

from app.extensions import db
from app.people.models import TeacherAssignment
from tests.web import sign_in

pytestmark = pytest.mark.browser
LIST = "/teacherassignmentview/list/"


def assignments(app):
    with app.app_context():
        return {row.id for row in db.session.query(TeacherAssignment.id)}


def test_row_links_open_the_row_and_delete_only_after_the_confirmation(app, page):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, "referent")
    page.goto(LIST)
    assert page.locator("table.model-list tbody script").count() == 0
    first = page.locator("table.model-list tbody tr").first
    pk = int(first.locator("a[data-delete-url]").get_attribute("data-delete-url").rsplit("/", 1)[1])

    with page.expect_navigation():
        first.locator(f"a[href$='/show/{pk}']").click()
    assert page.url.endswith(f"/teacherassignmentview/show/{pk}")
    page.goto(LIST)
    with page.expect_navigation():
        page.locator(f"table.model-list tbody a[href$='/edit/{pk}']").click()
    assert page.url.endswith(f"/teacherassignmentview/edit/{pk}")

    page.goto(LIST)
    before = assignments(app)
    delete = page.locator(f"a[data-delete-url$='/delete/{pk}']")
    delete.click()
    dialog = page.locator("#modal-confirm")
    dialog.wait_for(state="visible")
    assert delete.get_attribute("data-confirm") in dialog.inner_text()  # the question, in the page's language
    dialog.locator("button[data-dismiss=modal]").click()
    dialog.wait_for(state="hidden")
    assert assignments(app) == before  # cancelled: nothing deleted

    delete.click()
    dialog.wait_for(state="visible")
    with page.expect_navigation():
        page.click("#modal-confirm-ok")
    assert assignments(app) == before - {pk}
    assert page.locator(f"a[data-delete-url$='/delete/{pk}']").count() == 0
    assert problems == []
