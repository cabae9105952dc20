"""Every page of every role in a real browser, from the access matrix (tests/<package>/access.py):
axe-core finds no WCAG 2.1 A or AA violation (any impact), the French page has no English in it
(tests/language.py), students' pages fit a 390 px phone, the administrator's menu one 1280 px row.

Each role signs in once and opens each of its pages once. A failure names the page and the rule."""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.access import one_user_per_role
from tests.language import EXEMPT, checker_for
from tests.test_access_matrix import TABLE, _facts
from tests.web import sign_in

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
USERS = sorted({user for route in TABLE if route.method == "GET" for user in one_user_per_role(route.allowed)})
STUDENTS = ("student", "student2")


@pytest.fixture(scope="module")
def checker(app):
    return checker_for(app)


def html_pages(app, user):
    """The user's pages of the access matrix that answer a page (not a file, JSON or a redirect)."""
    facts = _facts_of(app)
    client = app.test_client()
    if user != "anonymous":
        client.post("/login/", data={"username": user, "password": "demo"})
    pages = []
    for route in TABLE:
        if route.method != "GET" or route.rule in EXEMPT or user not in one_user_per_role(route.allowed):
            continue
        path = route.path(facts)
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(path)
        response.close()
    return pages


def _facts_of(app):
    with app.app_context():
        return _facts(app)


def audit(page, path, checker, phone):
    """What is wrong with the page now open: axe violations, English words, a sideways scroll."""
    problems = []
    for violation in Axe().run(page, options=WCAG_21_AA).response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:3]
        problems.append(f"{path}: axe {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    for word, text in checker.problems(page.content(), "fr"):
        problems.append(f"{path}: English « {word} » in « {text} »")
    if phone:
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            problems.append(f"{path}: {width[0]} px wide on a {width[1]} px phone (scrolls sideways)")
    return problems


@pytest.mark.parametrize("user", USERS)
def test_every_page_of_the_role_is_accessible_and_french(app, browser, live_server, checker, user):
    phone = user in STUDENTS
    context = browser.new_context(base_url=live_server, locale="fr-FR", viewport=PHONE if phone else DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20000)
    problems = []
    try:
        if user != "anonymous":
            sign_in(page, user)
        for path in html_pages(app, user):
            page.goto(path)
            problems += audit(page, path, checker, phone)
        if user == "admin":
            page.goto("/contracts/dashboard/")
            rows = page.evaluate("new Set([...document.querySelectorAll('#navbar-menu > ul > li')]"
                                 ".map(li => Math.round(li.getBoundingClientRect().top))).size")
            if rows > 1:
                problems.append(f"the administrator's navigation bar takes {rows} rows at 1280 px")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems for {user}:\n" + "\n".join(problems)


def test_the_students_form_comes_before_the_apogee_record_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, "student")
        page.goto("/my/contract/")
        notice = page.locator(".notice-banner button[type=submit]")
        if notice.count():  # the data protection notice shows above every page until it is read, once
            with page.expect_navigation():
                notice.click()
            page.goto("/my/contract/")
        record = page.locator("details.student-record").first
        assert record.get_attribute("open") is None  # folded
        buttons = page.locator(".actions-bar").bounding_box()
        assert buttons["y"] < record.bounding_box()["y"]
        # The buttons stay on screen while the student is still at the top of the form.
        assert buttons["y"] + buttons["height"] <= PHONE["height"]
    finally:
        context.close()
