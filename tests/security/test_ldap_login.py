"""LDAP login against a real slapd: passwords, unknown users, groups → roles, student linking, injection."""
import pytest
from sqlalchemy import select

from app import policy
from app import roles as R
from app.extensions import db
from app.people.models import Student
from app.security.models import APPLICATION, DIRECTORY, RoleSource
from tests.security.conftest import NEW_STUDENT_NUMBER, PASSWORDS, api_login, ldap_settings, sign_in, signed_in

pytestmark = pytest.mark.ldap

WRONG = "Wrong login or password."


@pytest.fixture(scope="module")
def app_overrides(slapd):
    return ldap_settings(slapd.url)


def account(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        if user is None:
            return None
        return {
            "id": user.id,
            "username": user.username,
            "names": (user.first_name, user.last_name),
            "email": user.email,
            "roles": sorted(r.name for r in user.roles),
            "fail_login_count": user.fail_login_count or 0,
        }


def test_right_password_creates_the_account_from_the_directory(app):
    assert account(app, "detu1") is None  # never signed in: unknown to the application yet
    client, response = sign_in(app, "detu1")
    assert response.status_code == 302
    assert signed_in(client)
    created = account(app, "detu1")
    assert created["names"] == ("Delphine", "Dupuis")
    assert created["email"] == "detu1@univ.test"
    assert created["roles"] == [R.DETU]  # "personnels" is mapped to nothing
    # The home page sends a DETU to the dashboard.
    assert client.get("/").headers["Location"].endswith("/contracts/dashboard/")


def test_the_login_is_case_insensitive_and_the_account_keeps_the_directory_spelling(app):
    client, response = sign_in(app, "DETU1", PASSWORDS["detu1"])
    assert response.status_code == 302
    assert account(app, "detu1")["username"] == "detu1"


def test_wrong_password_and_unknown_login_get_the_same_answer(app):
    sign_in(app, "detu1")  # the account exists from here on
    client, wrong = sign_in(app, "detu1", "not-the-password")
    assert wrong.status_code == 200 and not signed_in(client)
    _, unknown = sign_in(app, "nobody-here", "whatever")
    _, unknown_with_a_real_password = sign_in(app, "nobody-here", PASSWORDS["detu1"])
    for response in (wrong, unknown, unknown_with_a_real_password):
        assert WRONG in response.get_data(as_text=True)
    assert account(app, "nobody-here") is None
    assert account(app, "detu1")["fail_login_count"] == 1


def test_the_form_keeps_the_login_but_not_the_password(app):
    _, response = sign_in(app, "detu1", "not-the-password")
    page = response.get_data(as_text=True)
    assert 'value="detu1"' in page
    assert "not-the-password" not in page


def test_api_login_uses_the_directory_too(app):
    response = api_login(app, "detu1")
    assert response.status_code == 200 and response.json["access_token"]
    assert api_login(app, "detu1", "wrong").status_code == 401
    assert api_login(app, "nobody-here", "wrong").status_code == 401
    # Database passwords do not open anything under LDAP.
    assert api_login(app, "admin", "demo", provider="db").status_code == 400
    assert api_login(app, "admin", "demo").status_code == 401


def test_demo_database_passwords_do_not_work_under_ldap(app):
    client, response = sign_in(app, "admin", "demo")
    assert response.status_code == 200 and not signed_in(client)


def test_a_user_in_no_mapped_group_signs_in_and_is_told_they_have_no_role(app):
    client, response = sign_in(app, "staff1")
    assert response.status_code == 302
    assert account(app, "staff1")["roles"] == []
    page = client.get("/")
    assert page.status_code == 200
    assert "No access yet" in page.get_data(as_text=True)
    assert client.get("/contracts/list/").status_code in (302, 403)


def test_group_dns_and_names_match_whatever_their_case(app):
    sign_in(app, "multi")
    sign_in(app, "cons1")
    assert account(app, "multi")["roles"] == sorted([R.DETU, R.REGISTRAR])
    assert account(app, "cons1")["roles"] == [R.COUNSELLOR]


def test_an_account_without_mail_gets_a_placeholder(app):
    sign_in(app, "nomail")
    assert account(app, "nomail")["email"] == "nomail@directory.invalid"


def test_directory_roles_are_synced_at_each_login_and_roles_granted_here_are_kept(app, slapd):
    sign_in(app, "sync1")
    assert account(app, "sync1")["roles"] == [R.DETU]
    # An administrator (from the directory) grants the Teacher role on the user page.
    admin, _ = sign_in(app, "adm1")
    user = account(app, "sync1")
    with app.app_context():
        sm = app.appbuilder.sm
        role_ids = [str(sm.find_role(R.DETU).id), str(sm.find_role(R.TEACHER).id)]
    response = admin.post(f"/users/edit/{user['id']}", data={
        "first_name": "Simon", "last_name": "Sync", "username": "sync1", "email": user["email"],
        "active": "y", "roles": role_ids,
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    assert account(app, "sync1")["roles"] == sorted([R.DETU, R.TEACHER])
    # The directory moves the user from the DETU group to the registrars.
    slapd.set_membership("conpere-detu", "sync1", member=False)
    slapd.set_membership("Conpere-Scolarite", "sync1", member=True)
    try:
        sign_in(app, "sync1")
        assert account(app, "sync1")["roles"] == sorted([R.REGISTRAR, R.TEACHER])
        with app.app_context():
            sm = app.appbuilder.sm
            origins = {
                (sm.get_user_by_id(s.user_id).username, db.session.get(sm.role_model, s.role_id).name, s.source)
                for s in db.session.scalars(select(RoleSource).where(RoleSource.user_id == user["id"]))
            }
        assert origins == {("sync1", R.TEACHER, APPLICATION), ("sync1", R.REGISTRAR, DIRECTORY)}
        # The user page shows where each role comes from.
        page = admin.get(f"/users/show/{user['id']}").get_data(as_text=True)
        assert "directory group (synced at each login)" in page and "granted in ConPeRe (kept)" in page
    finally:
        slapd.set_membership("conpere-detu", "sync1", member=True)
        slapd.set_membership("Conpere-Scolarite", "sync1", member=False)


def test_several_roles_see_the_union(app, ctx_factory):
    # A referent prepared the account and its assignments before the first login.
    from app.people.models import DetuAssignment, Faculty, Programme, RegistrarAssignment

    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username="multi", first_name="Marc", last_name="Multiple",
                           email="multi@univ.test", role=[])
        let = db.session.scalar(select(Programme).where(Programme.step_code == "L1LETM"))
        sci = db.session.scalar(select(Faculty).where(Faculty.code == "SCI"))
        db.session.add_all([DetuAssignment(user_id=user.id, programme_id=let.id),
                            RegistrarAssignment(user_id=user.id, faculty_id=sci.id)])
        db.session.commit()
        let_id = let.id
    client, _ = sign_in(app, "multi")
    assert account(app, "multi")["roles"] == sorted([R.DETU, R.REGISTRAR])
    with ctx_factory() as session:
        user = app.appbuilder.sm.find_user(username="multi")
        seen = {c.programme for c in session.scalars(policy.contracts_query(user))}
    assert {p.step_code for p in seen} == {"L1MATH", "L2MATH", "L3MATH", "L1LETM"}
    # The DETU part of the union: they may edit their Lettres contracts, not the Sciences ones.
    with ctx_factory() as session:
        from app.contracts.models import Contract

        open_ones = select(Contract).where(Contract.status != "signed")
        let_contract = session.scalar(open_ones.where(Contract.programme_id == let_id))
        sci_contract = session.scalar(open_ones.join(Contract.programme).where(Programme.step_code == "L1MATH"))
        let_pk, sci_pk = let_contract.id, sci_contract.id
    assert client.get(f"/contracts/edit/{let_pk}").status_code == 200
    assert client.get(f"/contracts/edit/{sci_pk}").status_code == 403  # read as registrar only
    assert client.get(f"/contracts/show/{sci_pk}").status_code == 200


def test_a_student_is_linked_to_their_record_by_student_number(app):
    with app.app_context():
        db.session.add(Student(student_number=NEW_STUDENT_NUMBER, last_name="Nouvelle", first_name="Nina"))
        db.session.commit()
    client, response = sign_in(app, "etu-new")
    assert response.status_code == 302
    created = account(app, "etu-new")
    assert created["roles"] == [R.STUDENT]
    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.student_number == NEW_STUDENT_NUMBER))
        assert student.user_id == created["id"]
        assert student.directory_login == "etu-new"
    home = client.get("/")
    assert home.headers["Location"].endswith("/my/contract/")
    page = client.get("/my/contract/")
    assert page.status_code == 200
    assert "Your registration is not known yet" not in page.get_data(as_text=True)


def test_a_student_without_a_record_is_told_their_registration_is_not_known_yet(app):
    client, response = sign_in(app, "etu-unknown")
    assert response.status_code == 302
    assert account(app, "etu-unknown")["roles"] == [R.STUDENT]
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 404
    assert "Your registration is not known yet" in page.get_data(as_text=True)


@pytest.mark.parametrize("username", [
    "*", "det*", "*u1", "detu1)(uid=*", "*)(uid=*))(|(uid=*", "detu1)(|(objectClass=*", "(uid=detu1)",
    "\\2a", "detu1\\", "detu1\x00", "detu1\x00)(uid=*", "star*",
])
def test_filter_characters_cannot_widen_the_search(app, username):
    for password in (PASSWORDS["detu1"], PASSWORDS["star*name"], "x"):
        client, response = sign_in(app, username, password)
        assert response.status_code == 200, (username, password)
        assert not signed_in(client)
        assert WRONG in response.get_data(as_text=True)


def test_a_login_that_really_contains_a_star_still_signs_in(app):
    # Escaping, not refusing: the entry uid=star*name is found by its exact login only.
    client, response = sign_in(app, "star*name")
    assert response.status_code == 302 and signed_in(client)
    assert account(app, "star*name")["names"] == ("Stella", "Étoile")


def test_group_search_instead_of_member_of(app, slapd, variant):
    from tests.security.slapd import GROUPS

    with variant(LDAP_GROUPS_FROM="search", LDAP_GROUP_BASE=GROUPS,
                 LDAP_GROUP_FILTER="(&(objectClass=groupOfNames)(member={dn}))") as other:
        _, response = sign_in(other, "multi")
        assert response.status_code == 302
        assert account(other, "multi")["roles"] == sorted([R.DETU, R.REGISTRAR])


@pytest.fixture
def ctx_factory(app):
    """Short request contexts, so that test-client requests never share their `g`."""
    from contextlib import contextmanager

    @contextmanager
    def factory():
        with app.test_request_context():
            yield db.session
            db.session.remove()

    return factory
