"""The sync runs' pages and the contract page's IP panel, through the test client."""

import pytest
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Student, utcnow
from app.sis.models import FAILED, OK, REQUESTED, RUNNING, SyncRun
from tests.sis.conftest import YEAR, scheduler_turn

# These tests read the interface's English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}


def latest_run(app):
    with app.app_context():
        run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        db.session.expunge_all()
        db.session.remove()
        return run


def contract_id(app, number):
    with app.app_context():
        found = db.session.scalar(select(Contract.id).join(Student).where(
            Student.student_number == number, Contract.year == YEAR))
        db.session.remove()
        return found


def demo_number(index):
    return f"2{YEAR % 100:02d}{index + 1:05d}"


# --- sync runs ---------------------------------------------------------------------------------


def test_a_referent_requests_a_run_the_scheduler_starts_it_and_the_page_follows(app, login, demo_sim, point_app_at):
    point_app_at(demo_sim)
    client = login("referent")
    response = client.post("/syncrunview/start", data={"year": str(YEAR), "programme": "L1MATH"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    run = latest_run(app)
    assert (run.status, run.trigger, run.started_by, run.programme, run.year) == (REQUESTED, "ui", "referent",
                                                                                   "L1MATH", YEAR)
    assert f"Sync #{run.id} requested: the scheduler starts it within a minute" in page
    assert "no scheduler is running" in page  # none has looked for requests yet
    assert 'http-equiv="refresh"' in page  # the page follows the run by itself
    again = client.post("/syncrunview/start", data={}, follow_redirects=True).get_data(as_text=True)
    assert f"Sync #{run.id} is already requested" in again
    scheduler_turn(app)
    run = latest_run(app)
    assert (run.status, run.total) == (OK, 10)
    page = client.get("/syncrunview/list/").get_data(as_text=True)
    assert "No change: 10 students checked" in page and 'http-equiv="refresh"' not in page


def test_a_waiting_request_says_whether_a_scheduler_looks_for_it(app, login, point_app_at, demo_sim):
    point_app_at(demo_sim)
    client = login("referent")
    scheduler_turn(app)  # a scheduler looked a moment ago (nothing to do then)
    client.post("/syncrunview/start", data={})
    page = client.get("/syncrunview/list/").get_data(as_text=True)
    assert "is requested: the scheduler starts it within a minute" in page and "no scheduler" not in page


def test_a_running_run_shows_its_progress(app, login):
    with app.app_context():
        db.session.add(SyncRun(year=YEAR, status=RUNNING, heartbeat_at=utcnow(), summary="", total=400,
                               processed=120))
        db.session.commit()
        db.session.remove()
    page = login("referent").get("/syncrunview/list/").get_data(as_text=True)
    assert "is running: 120 of 400 students processed" in page
    assert '<progress value="120" max="400">' in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize("config,expected", [
    ({"APOGEE_BASE_URL": "http://127.0.0.1:9/services/"}, "Apogée cannot be reached"),
    ({"APOGEE_USER": "ws", "APOGEE_PASSWORD": "wrong"}, "refused the credentials (HTTP 401)"),
    ({"APOGEE_BASE_URL": ""}, "Apogée is not configured"),
])
def test_bad_configuration_is_a_failed_run_with_its_reason_in_the_page(app, login, demo_sim, point_app_at, config, expected):
    demo_sim.user, demo_sim.password = "ws", "right"
    point_app_at(demo_sim, **config)
    client = login("admin")
    client.post("/syncrunview/start", data={})
    scheduler_turn(app)
    run = latest_run(app)
    assert run.status == FAILED and expected in run.reason
    listed = client.get("/syncrunview/list/").get_data(as_text=True)
    assert expected in listed and "Traceback" not in listed


def test_empty_diploma_types_fail_the_run_with_the_reason(app, login, demo_sim, point_app_at):
    point_app_at(demo_sim)
    with app.app_context():
        from app.catalog.models import Settings

        db.session.get(Settings, 1).diploma_types = ""
        db.session.commit()
        db.session.remove()
    client = login("referent")
    client.post("/syncrunview/start", data={})
    scheduler_turn(app)
    assert "No diploma type is set in the settings" in client.get("/syncrunview/list/").get_data(as_text=True)


def test_bad_form_input_says_what_is_wrong_and_keeps_what_was_typed(app, login):
    client = login("referent")
    response = client.post("/syncrunview/start", data={"year": "20x6", "programme": "L1MATH"})
    assert response.status_code == 302 and "year=20x6" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="20x6"' in page and 'value="L1MATH"' in page
    assert latest_run(app) is None  # nothing requested


def test_errors_of_a_partial_run_are_listed(app, login, demo_sim, point_app_at):
    point_app_at(demo_sim)
    demo_sim.behaviour.student_faults[demo_number(7)] = "technical.data.transaction.connexion"
    client = login("referent")
    client.post("/syncrunview/start", data={})
    scheduler_turn(app)
    run = latest_run(app)
    assert run.status == "partial"
    page = client.get(f"/syncerrorview/list/?_flt_0_run={run.id}").get_data(as_text=True)
    assert demo_number(7) in page and "technical.data.transaction.connexion" in page


# --- the IP panel ------------------------------------------------------------------------------


@pytest.mark.parametrize("username,number,shown", [
    ("student", demo_number(0), True),
    ("detu", demo_number(0), True),
    ("registrar", demo_number(0), True),
    ("referent", demo_number(0), True),
    ("teacher", demo_number(0), False),  # teachers and counsellors see only what the contract shows
    ("counsellor", demo_number(0), False),
])
def test_the_ip_panel_is_shown_to_those_who_may_see_the_record(app, login, demo_sim, point_app_at, username, number, shown):
    point_app_at(demo_sim)
    pk = contract_id(app, number)
    url = "/my/contract" if username == "student" else f"/contracts/show/{pk}"
    page = login(username).get(url, follow_redirects=True).get_data(as_text=True)
    assert ("Pedagogical registrations and results (Apogée)" in page) == shown
    if shown:
        assert "L1MATHS1U11" in page  # a course of the IP, nested under its UE
        assert "L1LETMS1" in page  # the reorientation registration's IP too
        # What Apogée cannot give is said, not left blank: the documents approved when registering…
        assert "nor the documents approved when registering" in page
        assert "Documents approved when registering</h4>" not in page


def test_the_panel_is_cached_for_a_while(app, login, demo_sim, point_app_at):
    point_app_at(demo_sim)
    client = login("detu")
    pk = contract_id(app, demo_number(3))
    client.get(f"/contracts/show/{pk}")
    calls = demo_sim.calls["recupererContratPedagogiqueResultatElpEpr_v6"]
    client.get(f"/contracts/show/{pk}")
    assert demo_sim.calls["recupererContratPedagogiqueResultatElpEpr_v6"] == calls


@pytest.mark.parametrize("incident,reason", [
    (("http", 503), "Apogée cannot be reached or did not answer in time."),
    (("hang", 2.0), "Apogée cannot be reached or did not answer in time."),
    (("fault", "technical.parameter.noncoherentinput.codEtu"),
     "Apogée answered with an error (technical.parameter.noncoherentinput.codEtu)."),
    (("raw", b"<html>maintenance</html>"), "answer could not be read."),
    (("raw", b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>'),
     "answer could not be read."),
])
def test_when_apogee_is_down_the_page_works_and_says_why(app, login, demo_sim, point_app_at, incident, reason):
    point_app_at(demo_sim, APOGEE_PAGE_TIMEOUT=0.3)
    demo_sim.behaviour.fail_next(50, *incident, operation="recupererContratPedagogiqueResultatElpEpr_v6")
    pk = contract_id(app, demo_number(3))
    response = login("detu").get(f"/contracts/show/{pk}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    section = page[page.find("s-sis-record"):][:3000]
    assert "unavailable at the moment" in page and reason in page, section
    assert 'id="s-history"' in page and 'id="s-identity"' in page  # the rest of the contract is there
