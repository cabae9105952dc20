"""« Se connecter en tant que » through the pages: search, banner, audit, refused validation and
signature, refused escalation, stop, the administrators' list of sessions."""
import html

import pytest
from sqlalchemy import func, select

from app import roles as R
from app.catalog.models import Settings
from app.contracts.models import DRAFT, SUBMITTED, Contract
from app.extensions import db
from app.people.models import Programme, Student, TeacherAssignment
from app.security.impersonation import IMPERSONATOR_KEY
from app.security.models import ImpersonationRequest, ImpersonationSession
from tests.conftest import contract_of

REFUSED = "refused while acting as another user"


def user_id(app, username):
    with app.app_context():
        return app.appbuilder.sm.find_user(username=username).id


def act_as(client, app, username):
    return client.post("/impersonation/start", data={"user_id": user_id(app, username)})


def text(response):
    return html.unescape(response.get_data(as_text=True))


def sessions(app):
    with app.app_context():
        return [
            (s.impersonator.username, s.user.username, s.ended_at is not None)
            for s in db.session.scalars(select(ImpersonationSession).order_by(ImpersonationSession.id))
        ]


def requests_of_last_session(app):
    with app.app_context():
        last = db.session.scalar(select(func.max(ImpersonationSession.id)))
        rows = db.session.scalars(
            select(ImpersonationRequest).where(ImpersonationRequest.session_id == last).order_by(ImpersonationRequest.id)
        )
        return [(r.impersonator_id, r.user_id, r.method, r.path) for r in rows]


def state_of_contract(app, username):
    with app.app_context():
        contract = contract_of(username)
        return contract.id, contract.status, contract.version


def test_search_by_name_login_and_programme(app, login):
    referent = login("referent")
    by_name = text(referent.get("/impersonation/?last_name=martin&first_name=cam"))
    assert "Martin Camille" in by_name and "student" in by_name
    by_login = text(referent.get("/impersonation/?login=detu2"))
    assert "Directeur Didier" in by_login
    with app.app_context():
        l1math = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH")).id
    by_programme = text(referent.get(f"/impersonation/?programme={l1math}"))
    assert "Martin Camille" in by_programme  # registered in L1MATH
    assert "Directrice Denise" in by_programme  # its DETU
    assert "Directeur Didier" not in by_programme  # detu2 directs other programmes
    nothing = text(referent.get("/impersonation/?last_name=%25"))  # a LIKE wildcard is a plain character
    assert "Nobody matches this search." in nothing


def test_acting_as_a_student_shows_their_pages_with_a_banner_on_every_page(app, login):
    referent = login("referent")
    response = act_as(referent, app, "student")
    assert response.status_code == 302
    for path in ("/my/contract/", "/my/contracts/", "/my/contacts/", "/users/userinfo/"):
        page = text(referent.get(path))
        assert "Rémi Référent is acting as Camille Martin (student)" in page, path
        assert 'action="/impersonation/stop"' in page
    # They see what the student sees, not what the referent sees.
    assert referent.get("/contracts/list/").status_code in (302, 403)
    assert referent.get("/impersonation/").status_code == 403  # no impersonation from inside one


def test_every_request_is_recorded_with_both_users_and_stop_returns_to_the_own_account(app, login):
    referent = login("referent")
    act_as(referent, app, "student")
    referent.get("/my/contract/")
    referent.get("/my/contacts/?x=1")
    stop = referent.post("/impersonation/stop")
    assert stop.status_code == 302 and stop.headers["Location"].endswith("/impersonation/")
    real, target = user_id(app, "referent"), user_id(app, "student")
    assert requests_of_last_session(app) == [
        (real, target, "GET", "/my/contract/"),
        (real, target, "GET", "/my/contacts/?x=1"),
        (real, target, "POST", "/impersonation/stop"),
    ]
    assert sessions(app)[-1] == ("referent", "student", True)
    # Back on the referent's own account: no banner, staff pages again.
    page = text(referent.get("/contracts/list/"))
    assert "is acting as" not in page
    with referent.session_transaction() as session:
        assert session["_user_id"] == str(real) and IMPERSONATOR_KEY not in session
    before = len(requests_of_last_session(app))
    referent.get("/contracts/list/")
    assert len(requests_of_last_session(app)) == before  # no longer audited


def test_the_student_validation_is_refused_while_impersonating(app, login):
    referent = login("referent")
    act_as(referent, app, "student")
    pk, status, version = state_of_contract(app, "student")
    assert status == DRAFT
    page = text(referent.get("/my/contract/"))
    assert 'value="validate"' not in page  # no validate button
    response = referent.post("/my/contract/", data={
        "action": "validate", "kind": "initial", "version": version,
        "study_plan": "Devenir ingénieure.", "charter_accepted": "on", "gap_year": "none",
    })
    assert response.status_code == 403
    assert REFUSED in text(response)
    assert state_of_contract(app, "student")[1] == DRAFT
    # The student themself can.
    student = login("student")
    pk, status, version = state_of_contract(app, "student")
    response = student.post("/my/contract/", data={
        "action": "validate", "kind": "initial", "version": version,
        "study_plan": "Devenir ingénieure.", "charter_accepted": "on", "gap_year": "none",
    })
    assert response.status_code == 302
    assert state_of_contract(app, "student")[1] == SUBMITTED


def _submitted_l1math(app):
    with app.app_context():
        year = db.session.get(Settings, 1).current_year
        return db.session.scalar(
            select(Contract.id).join(Programme).where(
                Contract.status == SUBMITTED, Contract.year == year, Programme.step_code == "L1MATH"
            ).order_by(Contract.id)
        )


def test_the_detu_signature_and_return_are_refused_while_impersonating(app, login):
    pk = _submitted_l1math(app)
    admin = login("admin")
    act_as(admin, app, "detu")
    page = text(admin.get(f"/contracts/show/{pk}"))
    assert f"/contracts/{pk}/sign" not in page
    response = admin.post(f"/contracts/{pk}/sign")
    assert response.status_code == 403 and REFUSED in text(response)
    response = admin.post(f"/contracts/{pk}/return", data={"reason": "Précisez votre projet."})
    assert response.status_code == 403 and REFUSED in text(response)
    with app.app_context():
        assert db.session.get(Contract, pk).status == SUBMITTED
    # Every refused attempt is in the audit, under both names.
    assert [r[2:] for r in requests_of_last_session(app)][-2:] == [
        ("POST", f"/contracts/{pk}/sign"), ("POST", f"/contracts/{pk}/return"),
    ]


@pytest.mark.parametrize("who, whom, allowed", [
    ("referent", "student", True),
    ("referent", "detu", True),
    ("referent", "teacher", True),
    ("referent", "registrar", True),
    ("referent", "admin", False),  # nobody acts as an administrator
    ("referent", "referent2", False),  # as many rights as oneself
    ("referent", "referent", False),  # oneself
    ("admin", "referent", True),
    ("admin", "admin2", False),
    ("admin", "multi", False),  # a referent who is also an admin
    ("detu", "student", False),  # DETUs do not impersonate
    ("counsellor", "student", False),
    ("student", "student2", False),
])
def test_nobody_acts_as_someone_with_more_or_as_many_rights(app, login, who, whom, allowed):
    with app.app_context():
        sm = app.appbuilder.sm
        for username, roles in (("referent2", [R.REFERENT]), ("admin2", [R.ADMIN]), ("multi", [R.REFERENT, R.ADMIN])):
            sm.add_user(username=username, first_name="X", last_name=username, email=f"{username}@demo.univ.fr",
                        role=[sm.find_role(r) for r in roles], password="demo")
    client = login(who)
    response = act_as(client, app, whom)
    with client.session_transaction() as session:
        acting = session.get(IMPERSONATOR_KEY) is not None
    assert acting == allowed
    if allowed:
        assert sessions(app)[-1] == (who, whom, False)
    else:
        assert response.status_code in (302, 403)
        assert all(s[:2] != (who, whom) for s in sessions(app))


def test_a_refused_target_is_explained_on_the_search_page(app, login):
    referent = login("referent")
    response = act_as(referent, app, "admin")
    assert response.status_code == 302
    page = text(referent.get(response.headers["Location"]))
    assert "Nobody can act as an administrator." in page
    listing = text(referent.get("/impersonation/?last_name=admin"))
    assert "Nobody can act as an administrator." in listing and "Act as Alice Admin" not in listing


def test_a_student_who_never_signed_in_gets_an_account_from_their_directory_login(app, login):
    with app.app_context():
        db.session.add_all([
            Student(student_number="29900010", last_name="Jamais", first_name="Jeanne", directory_login="jjamais"),
            Student(student_number="29900011", last_name="Jamais", first_name="Paul"),
        ])
        db.session.commit()
        jeanne, paul = (db.session.scalar(select(Student.id).where(Student.student_number == n))
                        for n in ("29900010", "29900011"))
    referent = login("referent")
    listing = text(referent.get("/impersonation/?last_name=jamais"))
    assert listing.count("no account yet") == 2
    refused = referent.post("/impersonation/start", data={"student_id": paul})
    assert "no directory login yet" in text(referent.get(refused.headers["Location"]))
    response = referent.post("/impersonation/start", data={"student_id": jeanne})
    assert response.status_code == 302
    assert "is acting as Jeanne Jamais (jjamais)" in text(referent.get("/my/contract/"))
    with app.app_context():
        student = db.session.get(Student, jeanne)
        assert student.user.username == "jjamais"
        assert [r.name for r in student.user.roles] == [R.STUDENT]


def test_logout_while_impersonating_ends_the_session_and_signs_out(app, login):
    referent = login("referent")
    act_as(referent, app, "student")
    response = referent.post("/logout/")
    assert response.status_code == 302
    assert sessions(app)[-1] == ("referent", "student", True)
    assert referent.get("/my/contract/").status_code == 302  # to the login page
    with referent.session_transaction() as session:
        assert "_user_id" not in session and IMPERSONATOR_KEY not in session


def test_a_session_closed_elsewhere_signs_everybody_out(app, login):
    referent = login("referent")
    act_as(referent, app, "student")
    with app.app_context():
        row = db.session.scalar(select(ImpersonationSession).order_by(ImpersonationSession.id.desc()))
        row.ended_at = row.started_at
        db.session.commit()
    response = referent.get("/my/contract/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_stop_without_impersonating_is_harmless(app, login):
    detu = login("detu")
    response = detu.post("/impersonation/stop")
    assert response.status_code == 302
    assert "You are not acting as another user." in text(detu.get("/contracts/dashboard/"))


def test_administrators_see_who_acted_as_whom_when_and_how_long(app, login):
    referent = login("referent")
    act_as(referent, app, "teacher")
    referent.get("/contracts/list/")
    referent.post("/impersonation/stop")
    admin = login("admin")
    listing = text(admin.get("/impersonation/sessions/"))
    assert "Rémi Référent (referent)" in listing and "Thierry Enseignant (teacher)" in listing
    assert "min" in listing  # the duration column
    with app.app_context():
        last = db.session.scalar(select(func.max(ImpersonationSession.id)))
    detail = text(admin.get(f"/impersonation/sessions/{last}"))
    assert "/contracts/list/" in detail
    assert login("referent").get("/impersonation/sessions/").status_code == 403


def test_who_may_impersonate_is_configurable(app, variant):
    with variant(IMPERSONATION_ROLES="Admin") as other:
        client = other.test_client()
        client.post("/login/", data={"username": "referent", "password": "demo"})
        assert client.get("/impersonation/").status_code == 403
        assert "/impersonation/" not in text(client.get("/api/v1/menu/"))
        admin = other.test_client()
        admin.post("/login/", data={"username": "admin", "password": "demo"})
        assert admin.get("/impersonation/").status_code == 200
        assert "/impersonation/" in text(admin.get("/api/v1/menu/"))


def test_a_teacher_link_does_not_leak_through_impersonation(app, login):
    # Acting as the teacher shows exactly the teacher's students, not the referent's whole view.
    referent = login("referent")
    act_as(referent, app, "teacher")
    with app.app_context():
        followed = set(db.session.scalars(select(TeacherAssignment.student_id).where(
            TeacherAssignment.user_id == user_id(app, "teacher"))))
        other = db.session.scalar(select(Contract.id).where(Contract.student_id.not_in(followed)))
    assert referent.get(f"/contracts/show/{other}").status_code == 404


def test_the_menu_offers_impersonation_only_to_those_who_may(login):
    assert 'href="/impersonation/"' in login("referent").get("/contracts/dashboard/").get_data(as_text=True)
    for username in ("student", "detu", "counsellor"):
        page = login(username).get("/my/contracts/" if username == "student" else "/contracts/dashboard/")
        assert 'href="/impersonation/"' not in page.get_data(as_text=True), username
