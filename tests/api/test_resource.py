"""The complete contract, part by part for the readers who may read each part; its PDF; its ETag."""
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalog.models import Accommodation
from app.contracts import editing
from app.contracts.models import AdvanceCourse, Contract, ContractAccommodation
from app.extensions import db
from app.people.models import Programme

CONTRACTS = "/api/v1/contracts/"


@pytest.fixture
def signed_l1math(app):
    """A signed L1MATH contract (detu's programme, SCI) with a course in advance, a health-related
    need with its hours, and a counsellor's comment."""
    with app.app_context():
        contract = db.session.scalar(
            select(Contract).join(Programme)
            .where(Programme.step_code == "L1MATH", Contract.status == "signed").order_by(Contract.id)
        )
        disability = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE04"))
        contract.accommodations.append(ContractAccommodation(accommodation=disability, hours=Decimal("6.5")))
        contract.advance_courses.append(AdvanceCourse(code="MAT201", label="Algèbre linéaire", ects=Decimal("6")))
        db.session.commit()
        counsellor = app.appbuilder.sm.find_user(username="counsellor")
        editing.save_comment(contract, counsellor, "Rendez-vous au SCUIO en janvier.", contract.version)
        return contract.id


def test_the_detail_is_the_complete_contract(client, bearer, signed_l1math):
    body = client.get(f"{CONTRACTS}{signed_l1math}", headers=bearer("detu")).json
    assert body["status"] == "signed" and body["programme"]["code"] == "L1MATH-101"
    assert body["study_plan"]
    assert {"code": "RSE04", "label": "Étudiant en situation de handicap", "health_related": True, "hours": 6.5} in body["needs"]
    assert body["remediations"] and all(isinstance(r["hours"], float) and r["kind"] in (1, 2) for r in body["remediations"])
    assert body["support_hours"] == 10.0
    assert body["advance_courses"] == [{"code": "MAT201", "label": "Algèbre linéaire", "ects": 6.0}]
    assert body["path_notes"].startswith("Tutorat")
    assert body["comment"] == "Rendez-vous au SCUIO en janvier."
    assert [e["to_status"] for e in body["events"]] == ["draft", "submitted", "signed"]
    assert body["events"][-1]["content_hash"] == body["signed_hash"]
    assert body["signed_by"] == "Denise Directrice"
    for moment in (body["signed_at"], body["updated_at"], body["events"][0]["at"], body["comment_at"]):
        assert datetime.fromisoformat(moment).utcoffset().total_seconds() == 0
    assert body["registration"]["is_primary"] is True
    assert body["withheld"] == []


def test_teachers_and_counsellors_read_what_the_contract_shows(client, bearer, signed_l1math):
    for reader in ("teacher", "counsellor"):
        response = client.get(f"{CONTRACTS}{signed_l1math}", headers=bearer(reader))
        assert response.status_code == 200, reader  # the teacher follows this student
        body = response.json
        assert "registration" not in body and body["withheld"] == ["registration"]
        assert any(n["health_related"] for n in body["needs"]) and "comment" in body


def test_a_machine_client_gets_no_comment_and_health_needs_only_when_its_purpose_needs_them(
    client, service_key, signed_l1math
):
    plain = client.get(f"{CONTRACTS}{signed_l1math}", headers=service_key("bi-pull", faculties=("SCI",))).json
    assert "comment" not in plain and "needs_details" not in plain
    assert not any(n["health_related"] for n in plain["needs"])
    assert set(plain["withheld"]) == {"comment", "health_related_needs", "needs_details"}
    assert plain["registration"] is not None  # scoped like a registrar

    health = client.get(f"{CONTRACTS}{signed_l1math}", headers=service_key("handi", faculties=("SCI",), health_needs=True)).json
    assert any(n["code"] == "RSE04" for n in health["needs"]) and "needs_details" in health
    assert health["withheld"] == ["comment"]


def test_the_pdf_with_a_jwt_or_an_api_key(client, bearer, service_key, signed_l1math):
    for headers in (bearer("detu"), service_key("ged", all_faculties=True, health_needs=True)):
        response = client.get(f"{CONTRACTS}{signed_l1math}/pdf", headers=headers)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    # The PDF prints every need: a client that may not read health-related ones gets 403, with why.
    refused = client.get(f"{CONTRACTS}{signed_l1math}/pdf", headers=service_key("bi-pull", all_faculties=True))
    assert refused.status_code == 403 and "health" in refused.json["message"]


def test_etag_answers_304_until_the_contract_changes(app, client, bearer, signed_l1math):
    headers = bearer("counsellor")
    first = client.get(f"{CONTRACTS}{signed_l1math}", headers=headers)
    etag = first.headers["ETag"]
    # No cache keeps student data; a client revalidates the copy it keeps itself.
    assert first.headers["Cache-Control"] == "no-store"
    again = client.get(f"{CONTRACTS}{signed_l1math}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        contract = db.session.get(Contract, signed_l1math)
        editing.save_comment(contract, app.appbuilder.sm.find_user(username="counsellor"), "Nouveau.", contract.version)
    changed = client.get(f"{CONTRACTS}{signed_l1math}", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["comment"] == "Nouveau."
