"""Findings 7 and 8, and the error pages: bad input never answers 500; two simultaneous
transitions answer 409 with the page's message; deactivated catalogue items are refused; an
unexpected error renders the application's page (JSON under /api/) after a rollback."""
import re

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.catalog.models import Accommodation, Remediation
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme

APP_CONFIG = {"PROPAGATE_EXCEPTIONS": False}  # as in production: errors go to the handlers
HUGE = "99999999999999999999"


def _submitted(app):
    with app.app_context():
        return db.session.scalar(select(Contract.id).join(Contract.programme).where(
            Programme.step_code == "L1MATH", Contract.status == "submitted").limit(1))


@pytest.mark.parametrize("path", [
    f"/users/show/{HUGE}", f"/users/edit/{HUGE}", "/users/show/abc", f"/remediationview/show/{HUGE}",
    f"/contracts/show/{HUGE}", f"/contracts/{HUGE}/pdf", f"/impersonation/sessions/{HUGE}",
])
def test_ids_out_of_range_are_not_found(login, path):
    assert login("admin").get(path).status_code == 404


@pytest.mark.parametrize("query", [
    f"page_RemediationView={HUGE}", "page_RemediationView=abc", "page_RemediationView=1e9",
    "psize_RemediationView=abc", f"psize_RemediationView={HUGE}", "psize_RemediationView=100000",
    f"_flt_0_kind={HUGE}",
])
def test_fab_list_parameters_out_of_range_are_a_400(login, query):
    response = login("admin").get(f"/remediationview/list/?{query}")
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)  # the application's page


@pytest.mark.parametrize("path", [
    f"/contracts/list/?page={HUGE}", f"/contracts/list/?year={HUGE}", f"/contracts/list/?programme={HUGE}",
    f"/contracts/list/?faculty={HUGE}", f"/contracts/export.xlsx?programme={HUGE}",
    f"/contracts/bulk.zip?programme={HUGE}", f"/campaignview/list/?_flt_0_year={HUGE}",
    f"/studentview/list/?page_StudentView={HUGE}", f"/contracts/dashboard/?year={HUGE}",
])
def test_list_parameters_out_of_range_are_never_a_500(login, path):
    response = login("admin").get(path)
    assert response.status_code in (200, 400, 404), path
    response.close()


def test_two_simultaneous_signatures_one_wins_the_other_gets_409(app, login):
    """The second DETU's request read the contract before the first one's signature was saved."""
    pk = _submitted(app)
    client = login("detu")

    def someone_signs_meanwhile(session, _context, _instances):
        with db.engine.begin() as other:  # another request, committed first
            other.execute(update(Contract).where(Contract.id == pk).values(version=Contract.version + 1))

    event.listen(Session, "before_flush", someone_signs_meanwhile, once=True)
    try:
        response = client.post(f"/contracts/{pk}/sign", data={"confirmed": "yes"})
    finally:
        if event.contains(Session, "before_flush", someone_signs_meanwhile):
            event.remove(Session, "before_flush", someone_signs_meanwhile)
    assert response.status_code == 409
    assert "Someone changed this data at the same time. Reload the page." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Contract, pk).status == "submitted"  # rolled back, nothing half-done
    assert client.get(f"/contracts/show/{pk}").status_code == 200  # the session still works


def _edit_form(client, pk):
    page = client.get(f"/contracts/edit/{pk}").get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="version"[^>]*>', page).group(0)
    return {"version": re.search(r'value="(\d+)"', tag).group(1), "support_hours": "", "path_notes": ""}


def test_a_deactivated_remediation_cannot_be_posted(app, login):
    pk = _submitted(app)
    with app.app_context():
        remediation = db.session.scalar(select(Remediation).order_by(Remediation.id))
        remediation.active = False
        rid = remediation.id
        db.session.commit()
    client = login("detu")
    response = client.post(f"/contracts/edit/{pk}", data={
        **_edit_form(client, pk), "remediations-0-remediation": str(rid), "remediations-0-hours": "10"})
    assert response.status_code == 422
    assert "Choose a remediation from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Contract, pk).remediations


def test_a_deactivated_remediation_already_on_the_contract_stays(app, login):
    pk = _submitted(app)
    with app.app_context():
        rid = db.session.scalar(select(Remediation.id).order_by(Remediation.id))
    client = login("detu")
    form = {**_edit_form(client, pk), "remediations-0-remediation": str(rid), "remediations-0-hours": "10"}
    assert client.post(f"/contracts/edit/{pk}", data=form).status_code == 302
    with app.app_context():
        db.session.get(Remediation, rid).active = False
        db.session.commit()
    form["version"] = _edit_form(client, pk)["version"]
    assert client.post(f"/contracts/edit/{pk}", data={**form, "remediations-0-hours": "12"}).status_code == 302


def test_a_deactivated_specific_need_cannot_be_posted_by_the_student(app, login):
    client = login("student")
    page = client.get("/my/contract/").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    with app.app_context():
        need = db.session.scalar(select(Accommodation).where(Accommodation.active.is_(True)).order_by(Accommodation.id.desc()))
        need.active = False
        db.session.commit()
        nid = need.id
    response = client.post("/my/contract/", data={"version": version, "action": "save", "study_plan": "Plan",
                                                  "accommodations": [str(nid)]})
    assert response.status_code == 422 and "Unknown specific need." in response.get_data(as_text=True)


def test_a_request_too_large_is_a_413_page(variant):
    with variant(MAX_CONTENT_LENGTH=1024, PROPAGATE_EXCEPTIONS=False) as app:
        response = app.test_client().post("/login/", data={"username": "x" * 4096, "password": "y"})
        assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


@pytest.fixture
def failing(variant):
    """An app with routes that fail in the middle of a write."""
    with variant(PROPAGATE_EXCEPTIONS=False) as app:
        def boom():
            db.session.execute(update(Remediation).values(label="half-done"))
            raise RuntimeError("unexpected")

        app.add_url_rule("/boom", "boom", boom)
        app.add_url_rule("/api/v1/boom", "api_boom", boom)
        yield app


def test_an_unexpected_error_renders_the_application_s_page_after_a_rollback(failing):
    client = failing.test_client()
    client.post("/login/", data={"username": "admin", "password": "demo"})
    response = client.get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and "Traceback" not in page and "RuntimeError" not in page
    assert 'class="navbar' in page  # the application's layout
    with failing.app_context():
        assert "half-done" not in db.session.scalars(select(Remediation.label)).all()
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.is_json and "Something went wrong" in api.json["message"]
