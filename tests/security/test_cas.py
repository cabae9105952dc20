"""CAS sign-on against a real CAS 3.0 server (django-cas-server) on loopback, roles from the test
slapd looked up by the CAS user id: login, ticket validation, role mapping, unknown user, expired
and reused tickets, single logout, CAS down, the break-glass administrator."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask_appbuilder.const import AUTH_REMOTE_USER
from sqlalchemy import select

from app.extensions import db
from app.security.models import UserSession
from tests.security import cas_server as C
from tests.security.conftest import PASSWORDS, ldap_settings, signed_in

pytestmark = pytest.mark.ldap

CAS_USERS = {
    # In the directory (tests/security/conftest.py PEOPLE): roles come from its groups.
    "detu1": {"password": "cas-detu1", "attributes": {"mail": "ignored@cas.test"}},
    "cons1": {"password": "cas-cons1", "attributes": {}},
    "etu-new": {"password": "cas-etu", "attributes": {}},
    # For CAS_ROLES_FROM=attributes: everything comes from the attributes CAS releases.
    "attr-detu": {"password": "cas-attr", "attributes": {
        "givenName": "Aline", "sn": "Attribut", "mail": "aline.attribut@univ.test",
        "memberOf": ["cn=conpere-detu,ou=groups,dc=univ,dc=test", "cn=personnels,ou=groups,dc=univ,dc=test"]}},
    "attr-etu": {"password": "cas-attr", "attributes": {"givenName": "Eva", "sn": "Étudiante"}},
    # Signed in to the university, unknown to the directory.
    "ghost": {"password": "cas-ghost", "attributes": {"memberOf": ["cn=conpere-admins,ou=groups,dc=univ,dc=test"]}},
}


@pytest.fixture(scope="module")
def cas(tmp_path_factory):
    if not C.available():
        pytest.skip(f"django-cas-server is missing: {C.INSTALL}")
    server = C.CasServer(str(tmp_path_factory.mktemp("cas")), CAS_USERS).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_overrides(slapd, cas):
    return {**ldap_settings(slapd.url), "AUTH_TYPE": AUTH_REMOTE_USER, "CAS_SERVER_URL": cas.url,
            "CAS_ROLES_FROM": "directory", "BREAK_GLASS_USERNAME": "admin", "PUBLIC_URL": "http://conpere.test"}


@pytest.fixture
def public(app, live_server):
    """The application reachable at PUBLIC_URL (the CAS server posts single logouts there)."""
    previous = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = live_server
    yield live_server
    app.config["PUBLIC_URL"] = previous


def cas_sign_in(app, uid, password=None, next_url="/contracts/dashboard/", browser=None):
    """The whole dance: our /login/ → CAS login page → back to /cas/ with a ticket.

    Returns (client, answer of /cas/, the CAS browser session)."""
    client = app.test_client()
    to_cas = client.get(f"/login/?next={next_url}")
    assert to_cas.status_code == 302 and to_cas.headers["Location"].startswith(app.config["CAS_SERVER_URL"])
    browser = browser or requests.Session()
    back = C.sign_in_at_cas(browser, to_cas.headers["Location"], uid, password or CAS_USERS[uid]["password"])
    parts = urlsplit(back)
    assert back.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/cas/?")
    return client, client.get(f"{parts.path}?{parts.query}"), browser


def roles_of(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return sorted(r.name for r in user.roles) if user else None


def test_login_validates_the_ticket_and_maps_directory_groups_to_roles(app):
    client, answer, _ = cas_sign_in(app, "detu1")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/contracts/dashboard/")
    assert signed_in(client)
    assert client.get("/contracts/dashboard/").status_code == 200
    assert roles_of(app, "detu1") == ["DETU"]
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="detu1")
        assert (user.first_name, user.last_name) == ("Delphine", "Dupuis")  # the directory's, not CAS's mail
        assert user.email != "ignored@cas.test"


def test_another_group_another_role_and_students_are_linked_by_number(app):
    assert cas_sign_in(app, "cons1")[1].status_code == 302
    assert roles_of(app, "cons1") == ["Counsellor"]
    client, answer, _ = cas_sign_in(app, "etu-new", next_url="/my/contract/")
    assert answer.status_code == 302 and "Student" in roles_of(app, "etu-new")


def test_a_user_unknown_to_the_directory_is_refused_clearly(app):
    client, answer, _ = cas_sign_in(app, "ghost")
    assert answer.status_code == 403
    assert "cannot find you in the directory" in answer.get_data(as_text=True)
    assert not signed_in(client) and roles_of(app, "ghost") is None


def test_an_expired_ticket_is_refused(app, cas):
    client = app.test_client()
    to_cas = client.get("/login/")
    back = C.sign_in_at_cas(requests.Session(), to_cas.headers["Location"], "detu1", "cas-detu1")
    cas.age_tickets(3600)
    parts = urlsplit(back)
    answer = client.get(f"{parts.path}?{parts.query}")
    assert answer.status_code == 401 and "Sign in again" in answer.get_data(as_text=True)
    assert not signed_in(client)


def test_a_ticket_works_once_and_only_in_the_browser_that_asked_for_it(app):
    client, first, _ = cas_sign_in(app, "detu1")
    assert first.status_code == 302
    # Replayed by someone else (another session, no state): refused before CAS is even asked.
    ticket_url = [c for c in (first.request.url,)][0]
    stranger = app.test_client()
    answer = stranger.get(ticket_url.replace("http://localhost", ""))
    assert answer.status_code == 400 and not signed_in(stranger)


def test_a_forged_ticket_is_refused_by_cas(app):
    client = app.test_client()
    state = parse_qs(urlsplit(parse_qs(urlsplit(client.get("/login/").headers["Location"]).query)["service"][0]).query)["state"][0]
    answer = client.get(f"/cas/?next=&state={state}&ticket=ST-forged-0123456789")
    assert answer.status_code == 401 and not signed_in(client)


def test_single_logout_from_cas_ends_the_session_here(app, public, cas):
    client, answer, browser = cas_sign_in(app, "detu1")
    assert client.get("/contracts/dashboard/").status_code == 200
    browser.get(cas.url + "logout", timeout=30)  # the user signs out of CAS (another application)
    response = client.get("/contracts/dashboard/")
    assert response.status_code == 302 and not signed_in(client)
    with app.app_context():
        ended = db.session.scalars(select(UserSession.end_reason).where(UserSession.sso_ticket_hash.isnot(None))).all()
    assert "single-logout" in ended


def test_logout_here_ends_the_session_and_goes_to_the_cas_logout(app, cas):
    client, _, _ = cas_sign_in(app, "detu1")
    answer = client.post("/logout/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith(cas.url + "logout?service=")
    assert client.get("/contracts/dashboard/").status_code == 302


def test_a_single_logout_request_naming_nothing_changes_nothing(app):
    client, _, _ = cas_sign_in(app, "detu1")
    for body in ("not xml", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", ""):
        assert app.test_client().post("/cas/", data={"logoutRequest": body}).status_code == 204
    assert client.get("/contracts/dashboard/").status_code == 200


def test_cas_down_gives_a_clear_page_not_a_500(variant):
    with variant(AUTH_TYPE=AUTH_REMOTE_USER, CAS_SERVER_URL="http://127.0.0.1:9/cas/", CAS_TIMEOUT=2,
                 PUBLIC_URL="http://conpere.test", PROPAGATE_EXCEPTIONS=False) as down:
        client = down.test_client()
        service = parse_qs(urlsplit(client.get("/login/").headers["Location"]).query)["service"][0]
        answer = client.get(urlsplit(service).path + "?" + urlsplit(service).query + "&ticket=ST-123-abc")
        assert answer.status_code == 503
        assert "sign-on service (CAS) cannot be reached" in answer.get_data(as_text=True)


def test_the_break_glass_administrator_signs_in_with_a_password(app):
    client = app.test_client()
    assert "password" in client.get("/login/?local=1").get_data(as_text=True)
    answer = client.post("/login/", data={"username": "admin", "password": "demo"})
    assert answer.status_code == 302 and signed_in(client)
    other = app.test_client()
    other.post("/login/", data={"username": "detu", "password": "demo"})  # a database account, not break-glass
    assert not signed_in(other)


def test_the_logout_form_may_post_to_cas(app, cas):
    csp = app.test_client().get("/login/?local=1").headers["Content-Security-Policy"]
    assert re.search(r"form-action 'self' http://127\.0\.0\.1:%d" % cas.port, csp)


def test_roles_and_student_link_from_cas_attributes(variant, cas):
    from app.people.models import Student

    with variant(AUTH_TYPE=AUTH_REMOTE_USER, CAS_SERVER_URL=cas.url, CAS_ROLES_FROM="attributes",
                 PUBLIC_URL="http://conpere.test") as app:
        with app.app_context():
            number = db.session.scalar(select(Student.student_number).order_by(Student.id.desc()).limit(1))
        cas.set_users({**CAS_USERS, "attr-etu": {"password": "cas-attr", "attributes": {
            "givenName": "Eva", "sn": "Étudiante", "supannEtuId": number}}})
        client, answer, _ = cas_sign_in(app, "attr-detu")
        assert answer.status_code == 302 and roles_of(app, "attr-detu") == ["DETU"]
        with app.app_context():
            user = app.appbuilder.sm.find_user(username="attr-detu")
            assert (user.first_name, user.email) == ("Aline", "aline.attribut@univ.test")
        client, answer, _ = cas_sign_in(app, "attr-etu", next_url="/my/contract/")
        assert answer.status_code == 302 and roles_of(app, "attr-etu") == ["Student"]
        with app.app_context():
            student = db.session.scalar(select(Student).where(Student.student_number == number))
            assert student.user_id == app.appbuilder.sm.find_user(username="attr-etu").id
        assert client.get("/my/contract/").status_code == 200
