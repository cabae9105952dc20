"""Staff pages through HTTP: list scope and filters, sign, return, comment."""
import re

import pytest
from sqlalchemy import select

from app import roles as R
from app.catalog.models import Accommodation, Settings
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Faculty, Programme, Registration
from tests.contracts.staff import list_page, listed, one_contract, scoped_ids, submitted_l1math


@pytest.mark.parametrize(
    "username, expected",
    [
        ("detu", lambda: Programme.step_code.in_(["L1MATH", "L2MATH"])),
        ("detu2", lambda: Programme.step_code.in_(["L3MATH", "L1LETM", "L2LETM", "L3LETM"])),
        ("registrar", lambda: Faculty.code == "SCI"),
        ("counsellor", lambda: Contract.id > 0),
        ("referent", lambda: Contract.id > 0),
    ],
)
def test_list_shows_exactly_the_users_scope(app, login, username, expected):
    assert listed(login(username)) == scoped_ids(app, expected())


def test_teacher_sees_only_followed_students(app, login):
    with app.app_context():
        from app.people.models import TeacherAssignment

        teacher = app.appbuilder.sm.find_user(username="teacher")
        followed = select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == teacher.id)
    assert listed(login("teacher")) == scoped_ids(app, Contract.student_id.in_(followed))


def test_search_by_number_and_name_and_filters(app, login):
    client = login("referent")
    with app.app_context():
        contract = db.session.get(Contract, one_contract(app, Programme.step_code == "L2MATH"))
        number, last_name = contract.student.student_number, contract.student.last_name
        year = db.session.get(Settings, 1).current_year
        sport = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE07")).id
    assert contract.id in listed(client, q=number)
    assert listed(client, q=number) == {contract.id} | scoped_ids(app, Contract.student_id == contract.student_id)
    by_name = listed(client, q=last_name.upper())
    assert contract.id in by_name
    assert listed(client, status="signed", year=year) == scoped_ids(app, Contract.status == "signed", Contract.year == year)
    with_sport = listed(client, accommodation=sport)
    assert with_sport and with_sport == _with_need(app, sport)
    repeating = listed(client, repeating="yes")
    assert repeating == scoped_ids(app, Contract.registration_id.in_(select(Registration.id).where(Registration.is_repeating.is_(True))))
    assert repeating


def _with_need(app, accommodation_id):
    from app.contracts.models import ContractAccommodation

    with app.app_context():
        return set(db.session.scalars(
            select(ContractAccommodation.contract_id).where(ContractAccommodation.accommodation_id == accommodation_id)
        ).all())


def test_health_related_needs_are_not_a_filter(app, login):
    with app.app_context():
        health = db.session.scalar(select(Accommodation).where(Accommodation.health_related.is_(True)))
        health_id, health_label = health.id, health.label
    page = list_page(login("referent"))
    assert health_label not in page.split('id="f-accommodation"')[1].split("</select>")[0]
    assert listed(login("referent"), accommodation=health_id) == set()


def test_malformed_filters_are_ignored_with_a_message(login):
    response = login("referent").get("/contracts/list/?year=abc&status=bogus&repeating=maybe")
    assert response.status_code == 200
    assert "year" in response.get_data(as_text=True)


def test_return_and_comment_are_post_only(app, login):
    pk = submitted_l1math(app)
    client = login("detu")
    for action in ("return", "comment"):
        assert client.get(f"/contracts/{pk}/{action}").status_code == 405


def test_return_without_reason_changes_nothing(app, login):
    pk = submitted_l1math(app)
    response = login("detu").post(f"/contracts/{pk}/return", data={"reason": " "})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Contract, pk).status == "submitted"


def test_the_sign_button_asks_for_a_confirmation_first(app, login):
    pk = submitted_l1math(app)
    client = login("detu")
    show = client.get(f"/contracts/show/{pk}").get_data(as_text=True)
    assert f'href="/contracts/{pk}/sign"' in show  # a link to the confirmation, not a form that signs
    asked = client.get(f"/contracts/{pk}/sign")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and f'<form method="post" action="/contracts/{pk}/sign"' in page
    with app.app_context():
        assert db.session.get(Contract, pk).status == "submitted"


def test_a_post_signs_in_one_step(app, login):
    """The stable interface: POST /contracts/<id>/sign signs, no confirmation field needed."""
    pk = submitted_l1math(app)
    signed = login("detu").post(f"/contracts/{pk}/sign")
    assert signed.status_code == 302 and signed.headers["Location"].endswith(f"/contracts/show/{pk}")
    with app.app_context():
        contract = db.session.get(Contract, pk)
        assert contract.status == "signed" and contract.signed_hash


def test_the_confirmation_page_is_refused_to_who_may_not_sign(app, login):
    pk = submitted_l1math(app)
    assert login("counsellor").get(f"/contracts/{pk}/sign").status_code == 403
    assert login("detu2").get(f"/contracts/{pk}/sign").status_code == 404  # not in its programmes


def test_after_signing_the_next_contract_to_sign_is_one_click_away(app, login):
    client = login("detu")
    waiting = scoped_ids(app, Programme.step_code.in_(["L1MATH", "L2MATH"]), Contract.status == "submitted")
    assert len(waiting) >= 2
    first = client.get("/contracts/next-to-sign/")
    pk = int(first.headers["Location"].rsplit("/", 1)[1])
    assert pk in waiting
    client.post(f"/contracts/{pk}/sign", data={"confirmed": "yes"})
    page = client.get(f"/contracts/show/{pk}").get_data(as_text=True)
    assert f"/contracts/next-to-sign/?after={pk}" in page and f"({len(waiting) - 1})" in page
    following = client.get(f"/contracts/next-to-sign/?after={pk}").headers["Location"]
    assert int(following.rsplit("/", 1)[1]) in waiting - {pk}


def test_next_to_sign_says_when_nothing_is_left(app, login):
    with app.app_context():
        for contract in db.session.scalars(select(Contract).where(Contract.status == "submitted")):
            contract.status = "returned"
        db.session.commit()
    response = login("detu").get("/contracts/next-to-sign/", follow_redirects=True)
    assert "/contracts/list/" in response.request.path
    assert "No other contract awaits your signature" in response.get_data(as_text=True) or \
        "Aucun autre contrat" in response.get_data(as_text=True)


def test_counsellor_comments_and_the_detu_cannot(app, login):
    pk = submitted_l1math(app)
    with app.app_context():
        version = db.session.get(Contract, pk).version
    assert login("detu").post(f"/contracts/{pk}/comment", data={"comment": "x", "version": version}).status_code == 403
    assert login("counsellor").post(f"/contracts/{pk}/comment", data={"comment": "Voir le SCUIO.", "version": version}).status_code == 302
    with app.app_context():
        assert db.session.get(Contract, pk).comment == "Voir le SCUIO."


def test_several_roles_see_the_union(app, login):
    """A registrar of Lettres who is also DETU of L1MATH sees both scopes (V2 could not)."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username="registrar")
        user.roles.append(sm.find_role(R.DETU))
        from app.people.models import DetuAssignment, RegistrarAssignment

        db.session.query(RegistrarAssignment).filter_by(user_id=user.id).delete()
        let = db.session.scalar(select(Faculty).where(Faculty.code == "LET"))
        db.session.add(RegistrarAssignment(user_id=user.id, faculty_id=let.id))
        l1math = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH"))
        db.session.add(DetuAssignment(user_id=user.id, programme_id=l1math.id))
        db.session.commit()
    client = login("registrar")
    assert listed(client) == scoped_ids(app, (Faculty.code == "LET") | (Programme.step_code == "L1MATH"))
    pk = submitted_l1math(app)
    assert client.post(f"/contracts/{pk}/sign", data={"confirmed": "yes"}).status_code == 302  # as DETU of L1MATH


def test_staff_detail_hides_registration_data_from_teachers(app, login):
    pk = submitted_l1math(app)
    assert "Formation initiale" in login("detu").get(f"/contracts/show/{pk}").get_data(as_text=True)
    page = login("teacher").get(f"/contracts/show/{pk}").get_data(as_text=True)
    assert "Formation initiale" not in page


def test_unknown_ids_answer_404(login):
    client = login("admin")
    for url in ("/contracts/show/999999", "/contracts/edit/999999", "/my/contracts/999999"):
        assert client.get(url).status_code == 404
    assert client.post("/contracts/999999/sign").status_code == 404


def test_api_answers_only_the_callers_scope(app, login):
    client = login("detu")
    data = client.get("/api/v1/contracts/?q=(page_size:100)").get_json()
    assert set(data["ids"]) == scoped_ids(app, Programme.step_code.in_(["L1MATH", "L2MATH"]))
    assert all("comment" not in row and "study_plan" not in row for row in data["result"])
    with app.app_context():
        other = one_contract(app, Programme.step_code == "L3MATH")
    assert client.get(f"/api/v1/contracts/{other}").status_code == 404


def test_students_are_not_listed_by_student_pages_for_staff(login):
    assert login("teacher").get("/studentview/list/").status_code == 403
