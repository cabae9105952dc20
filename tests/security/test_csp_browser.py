"""The content security policy in a real browser: the student form, the DETU form and FAB's own
pages (a list with its search filters, an add form with a date field) work without a single CSP
violation, and a page of the site cannot be framed (finding 3)."""
import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def watched(page):
    """The page, recording console errors and CSP violation events."""
    page.set_default_timeout(60000)  # a loaded machine renders slowly; the checks are not about speed
    errors, crashes, policies = [], [], []
    page.on("response", lambda r: policies.append(r.headers.get("content-security-policy"))
            if r.request.resource_type == "document" else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: crashes.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)

    def check():
        assert policies and all(p and "script-src 'self' 'nonce-" in p for p in policies), policies
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], violations
        assert [e for e in errors if "Content Security Policy" in e or "Refused to" in e] == [], errors
        assert crashes == [], crashes  # no script stopped half-way

    page.check_csp = check
    return page


def _submitted_contract(app):
    from app.contracts.models import Contract
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(Contract.id).where(Contract.status == "submitted").limit(1))


def test_student_form_under_the_csp(app, watched):
    login_with_keyboard(watched, "student")
    watched.goto("/my/contract/")
    watched.fill("#field-study_plan", "")
    with watched.expect_navigation():
        watched.click("button[value=validate]")
    # The error summary takes the focus: the moved script runs.
    assert watched.evaluate("document.activeElement.id") == "error-summary"
    watched.check_csp()


def test_detu_form_under_the_csp(app, watched):
    login_with_keyboard(watched, "detu")
    watched.goto(f"/contracts/edit/{_submitted_contract(app)}")
    assert watched.locator("form").count() > 0
    watched.check_csp()


def test_fab_list_search_and_add_form_under_the_csp(app, watched):
    login_with_keyboard(watched, "referent")
    watched.goto("/remediationview/list/")
    # FAB's filters (ab_filters.js) are started by conpere.js from the form's data attributes.
    if not watched.locator("#filter_form button.dropdown-toggle").is_visible():
        watched.click("details.model-search > summary")
    watched.click("#filter_form button.dropdown-toggle")
    watched.locator("#filter_form a.filter[name=label]").click()
    assert watched.locator("#filter_form table.filters tr").count() == 1
    watched.goto("/campaignview/add")
    # The browser's own date field (no picker script): a date typed in is kept for the form.
    watched.fill("#opens_on", "2026-09-01")
    assert watched.input_value("#opens_on") == "2026-09-01"
    watched.check_csp()


def test_the_site_cannot_frame_its_own_contract_page(app, watched, live_server):
    login_with_keyboard(watched, "detu")
    pk = _submitted_contract(app)
    watched.goto("/contracts/dashboard/")
    watched.evaluate(
        "(src) => { const f = document.createElement('iframe'); f.id = 'decoy'; f.src = src; document.body.appendChild(f); }",
        f"{live_server}/contracts/show/{pk}",
    )
    watched.wait_for_timeout(1000)
    frame = watched.frame_locator("#decoy")
    assert frame.locator("form[action$='/sign']").count() == 0


def test_the_api_explorer_under_the_csp(app, watched):
    login_with_keyboard(watched, "admin")
    watched.goto("/swagger/v1")
    watched.wait_for_selector(".swagger-ui .info")  # drawn by swagger-ui's bundle
    watched.check_csp()
