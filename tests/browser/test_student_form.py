"""The student's form in a real browser: keyboard only, error summary, and an automated accessibility audit."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from tests.web import login_with_keyboard, tab_to

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


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


def a_submitted_l1math_contract(app):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme

    with app.app_context():
        return db.session.scalar(
            select(Contract.id).join(Programme).where(Programme.step_code == "L1MATH", Contract.status == "submitted")
        )


@pytest.mark.parametrize("username, path", [
    ("student", "/my/contract/"),
    ("student2", "/my/contract/"),
    ("student", "/my/contracts/"),
    ("student", "/my/contacts/"),
    ("detu", "/contracts/list/"),
    ("detu", "/contracts/dashboard/"),
    ("detu", "/contracts/show/{pk}"),
    ("detu", "/contracts/edit/{pk}"),
    ("counsellor", "/contracts/show/{pk}"),
    (None, "/login/"),
    ("referent", "/settingsview/edit/1"),
    ("referent", "/accommodationview/list/"),
    ("referent", "/impersonation/"),
])
def test_pages_have_no_serious_accessibility_violation(app, page, username, path):
    if username:
        login_with_keyboard(page, username)
    page.goto(path.format(pk=a_submitted_l1math_contract(app)))
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
