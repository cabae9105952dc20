"""In a real browser: a referent requests a sync from its page (the scheduler starts it); a DETU
reads the IP panel, also when Apogée is down."""
import pytest

from tests.sis.conftest import YEAR, scheduler_turn
from tests.web import sign_in

# These tests read the interface's English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}

pytestmark = pytest.mark.browser


def signed_in_page(browser, base, username):
    page = browser.new_page(base_url=base)
    sign_in(page, username)
    return page


def test_referent_starts_a_sync_and_detu_reads_the_ip(app, live_server, browser, demo_sim, point_app_at):
    point_app_at(demo_sim)
    page = signed_in_page(browser, live_server, "referent")
    page.goto(live_server + "/syncrunview/list/")
    page.fill("#sync-programme", "L1MATH")
    page.click("text=Start a sync")
    page.wait_for_load_state()
    assert "the scheduler starts it within a minute" in page.content()
    scheduler_turn(app)
    page.reload()
    assert "No change: 10 students checked" in page.content()

    from sqlalchemy import select

    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Student

    with app.app_context():
        pk = db.session.scalar(select(Contract.id).join(Student).where(
            Student.student_number == f"2{YEAR % 100:02d}00004", Contract.year == YEAR))
        db.session.remove()
    detu = signed_in_page(browser, live_server, "detu")
    detu.goto(f"{live_server}/contracts/show/{pk}")
    panel = detu.locator("section.sis-record")
    assert panel.locator("h2").inner_text() == "Pedagogical registrations and results (Apogée)"
    assert panel.locator("tbody tr").count() == 20  # 2 semesters, 6 UEs, 12 subjects
    assert "L1MATHS1U11" in panel.inner_text()

    from app.sis.panel import clear_cache

    clear_cache()
    demo_sim.behaviour.fail_next(20, "http", 503)
    detu.reload()
    assert "unavailable at the moment" in detu.locator("section.sis-record").inner_text()
    assert detu.locator("#s-history").is_visible()
