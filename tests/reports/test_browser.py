"""The reports in a real browser: the chart is drawn from the page's data, the table is there, the
vendored chart library is the pinned one, and axe-core finds no accessibility violation."""
import hashlib
import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.reports.registry import REPORTS
from tests.reports import dataset
from tests.web import login_with_keyboard

pytestmark = pytest.mark.browser

CHART_JS = os.path.join(os.path.dirname(__file__), "..", "..", "app", "static", "vendor", "chartjs", "chart.umd.min.js")
CHART_JS_SHA256 = "48444a82d4edcb5bec0f1965faacdde18d9c17db3063d042abada2f705c9f54a"  # Chart.js 4.5.1

# Pixels of the canvas that are not transparent: a drawn chart has thousands.
PAINTED = """(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
  return painted;
}"""


def test_the_vendored_library_is_the_pinned_release():
    with open(CHART_JS, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == CHART_JS_SHA256


def assert_chart_drawn(page):
    canvas = page.locator("canvas#report-chart[data-drawn=true]")
    canvas.wait_for()
    assert page.evaluate(PAINTED, canvas.element_handle()) > 1000
    assert page.evaluate("Chart.getChart(document.getElementById('report-chart')).data.datasets.length") > 0


def assert_no_violation(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    violations = results.response["violations"]
    assert not violations, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


@pytest.mark.parametrize("username", ["registrar", "detu"])
def test_each_report_draws_its_chart_and_table_with_no_accessibility_violation(page, built, username):
    login_with_keyboard(page, username)
    for report in REPORTS:
        page.goto(f"/reports/{report.name}/?year={dataset.YEAR}")
        assert_chart_drawn(page)
        table_id = page.evaluate("JSON.parse(document.getElementById('report-chart-data').textContent).table")
        assert page.locator(f"table#{table_id} tbody tr").count() > 0, report.name
        assert_no_violation(page)
        if os.environ.get("REPORT_SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['REPORT_SCREENSHOTS']}/{username}-{report.name}.png", full_page=True)


def test_the_index_and_the_dashboard(page, built):
    login_with_keyboard(page, "detu")
    page.goto("/reports/")
    assert page.locator(".report-list a").count() == len(REPORTS)
    assert_no_violation(page)
    page.goto(f"/contracts/dashboard/?year={dataset.YEAR}")
    assert_chart_drawn(page)
    assert_no_violation(page)
    page.select_option("#filter-year", str(dataset.YEAR - 1))
    with page.expect_navigation():
        page.click("form.report-filters button[type=submit]")
    assert f"year={dataset.YEAR - 1}" in page.url


def test_a_detu_reminds_students_from_the_not_started_list(app, page, built):
    from app.catalog.models import Settings
    from app.extensions import db

    with app.app_context():
        db.session.get(Settings, 1).current_year = dataset.YEAR
        db.session.commit()
    login_with_keyboard(page, "detu")
    page.goto("/reports/pending/")
    page.check(f"#table-not_started input[value='{built['students']['m7']}']")
    with page.expect_navigation():
        page.click("button[value=picked]")
    assert "1 relance mise en file d'attente." in page.inner_text(".alert-success")
    assert_no_violation(page)
