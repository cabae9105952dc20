"""The student's form in a real browser: keyboard only, error summary (every page's audit: test_pages.py)."""
import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard, tab_to

pytestmark = pytest.mark.browser


def contract_status(app, username="student"):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Student

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        student = db.session.scalar(select(Student).where(Student.user_id == user.id))
        contracts = db.session.scalars(select(Contract).where(Contract.student_id == student.id)).all()
        return {c.kind: c.status for c in contracts}


def test_student_validates_using_the_keyboard_only(app, page):
    login_with_keyboard(page, "student")
    page.goto("/my/contract/")
    tab_to(page, "#field-study_plan")
    page.keyboard.type("Devenir professeure de mathématiques.")
    tab_to(page, "#field-charter_accepted")
    page.keyboard.press("Space")
    tab_to(page, "button[value=validate]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert contract_status(app)["initial"] == "submitted"
    assert "Devenir professeure de mathématiques." in page.content()


def test_error_summary_takes_focus_and_links_to_the_fields(app, page):
    login_with_keyboard(page, "student")
    page.goto("/my/contract/")
    page.fill("#field-study_plan", "")
    tab_to(page, "button[value=validate]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    tab_to(page, "#error-summary a[href='#field-study_plan']")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#field-study_plan"
    assert page.get_attribute("#field-study_plan", "aria-invalid") == "true"
    assert contract_status(app)["initial"] == "draft"


def test_help_bubble_opens_from_the_keyboard(page):
    login_with_keyboard(page, "student")
    page.goto("/my/contract/")
    tab_to(page, "#field-study_plan >> xpath=preceding::summary[1]")
    page.keyboard.press("Enter")
    assert page.locator("#help-study_plan").is_visible()
