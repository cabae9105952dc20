"""Finding 4: sessions end. Logout, a password change and a deactivation end them on the server;
an absolute lifetime applies besides the idle one; API refresh tokens are revoked at logout."""
from datetime import timedelta

import pytest

from tests.conftest import api_login, bearer_of
from tests.security.conftest import sign_in, signed_in


def _cookie(client):
    return client.get_cookie("session").value


def _user(app, username):
    """The demo account, detached (its columns loaded), without keeping a context open."""
    from app.extensions import db

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        details = {"id": user.id, "first_name": user.first_name, "last_name": user.last_name,
                   "username": user.username, "email": user.email, "roles": [r.id for r in user.roles]}
        db.session.remove()
    return details


def _replay(app, cookie):
    """A new client presenting a copied session cookie; returns the dashboard's answer."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/contracts/dashboard/")


def test_after_logout_the_old_cookie_is_refused(app, login):
    client = login("detu")
    copied = _cookie(client)
    assert _replay(app, copied).status_code == 200
    assert client.post("/logout/").status_code == 302
    response = _replay(app, copied)
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, login, variant):
    laptop, phone = login("admin"), login("admin")
    response = laptop.post("/resetmypassword/form", data={
        "current_password": "demo", "password": "a long new passphrase", "conf_password": "a long new passphrase"})
    assert response.status_code == 302
    assert laptop.get("/contracts/dashboard/").status_code == 200
    assert phone.get("/contracts/dashboard/").status_code == 302
    assert sign_in(app, "admin", "a long new passphrase")[1].status_code == 302


def test_an_administrator_s_reset_ends_every_session_of_the_user(app, login):
    detu = login("detu")
    user_id = _user(app, "detu")["id"]
    admin = login("admin")
    response = admin.post(f"/resetpassword/form?pk={user_id}",
                          data={"password": "another long passphrase", "conf_password": "another long passphrase"})
    assert response.status_code == 302
    assert detu.get("/contracts/dashboard/").status_code == 302
    assert admin.get("/contracts/dashboard/").status_code == 200


def test_deactivation_ends_the_sessions_for_good(app, login):
    detu = login("detu")
    copied = _cookie(detu)
    form = _user(app, "detu")
    user_id = form.pop("id")  # "active" left unticked
    admin = login("admin")
    assert admin.post(f"/users/edit/{user_id}", data=form).status_code == 302
    assert detu.get("/contracts/dashboard/").status_code == 302
    # Reactivated later: the old cookie does not come back to life.
    admin.post(f"/users/edit/{user_id}", data={**form, "active": "y"})
    assert _replay(app, copied).status_code == 302
    assert sign_in(app, "detu")[1].status_code == 302


@pytest.fixture
def later(monkeypatch):
    """Move the sessions' clock forward."""
    from app.security import sessions

    real = sessions.utcnow
    offset = {"delta": timedelta(0)}
    monkeypatch.setattr(sessions, "utcnow", lambda: real() + offset["delta"])
    return offset


def test_an_active_session_still_ends_at_the_absolute_lifetime(variant, later):
    with variant(SESSION_ABSOLUTE_LIFETIME=timedelta(hours=8),
                 PERMANENT_SESSION_LIFETIME=timedelta(days=1)) as app:
        client, _ = sign_in(app, "detu", "demo")
        for hours in (2, 4, 6, 7.9):
            later["delta"] = timedelta(hours=hours)
            assert client.get("/contracts/dashboard/").status_code == 200, hours
        later["delta"] = timedelta(hours=8, minutes=1)
        assert client.get("/contracts/dashboard/").status_code == 302
        assert not signed_in(client)


def test_the_server_ends_an_idle_session_whatever_the_cookie_says(variant, later):
    with variant(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30)) as app:
        client, _ = sign_in(app, "detu", "demo")
        later["delta"] = timedelta(minutes=20)
        assert client.get("/contracts/dashboard/").status_code == 200  # activity renews it
        later["delta"] = timedelta(minutes=45)
        assert client.get("/contracts/dashboard/").status_code == 200
        later["delta"] = timedelta(minutes=80)
        assert client.get("/contracts/dashboard/").status_code == 302


def test_a_cookie_forged_without_a_session_is_refused(app):
    """A signed cookie naming a user but no live session (as the old code issued) opens nothing."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    response = client.get("/contracts/dashboard/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


# --- the API ----------------------------------------------------------------------------------


def _tokens(app, username="registrar"):
    response = api_login(app.test_client(), username, refresh=True)
    assert response.status_code == 200
    return response.json["access_token"], response.json["refresh_token"]


def test_api_logout_revokes_the_refresh_and_the_access_token(app):
    access, refresh = _tokens(app)
    client = app.test_client()
    assert client.get("/api/v1/contracts/", headers=bearer_of(access)).status_code == 200
    assert client.post("/api/v1/security/refresh", headers=bearer_of(refresh)).status_code == 200
    assert client.post("/api/v1/security/logout", headers=bearer_of(refresh)).status_code == 200
    assert client.post("/api/v1/security/refresh", headers=bearer_of(refresh)).status_code == 401
    assert client.get("/api/v1/contracts/", headers=bearer_of(access)).status_code == 401


def test_a_refreshed_access_token_belongs_to_the_same_session(app):
    _, refresh = _tokens(app)
    client = app.test_client()
    fresh_access = client.post("/api/v1/security/refresh", headers=bearer_of(refresh)).json["access_token"]
    assert client.get("/api/v1/contracts/", headers=bearer_of(fresh_access)).status_code == 200
    client.post("/api/v1/security/logout", headers=bearer_of(fresh_access))
    assert client.get("/api/v1/contracts/", headers=bearer_of(fresh_access)).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=bearer_of(refresh)).status_code == 401


def test_a_password_reset_revokes_the_user_s_api_tokens(app, login):
    access, refresh = _tokens(app)
    admin = login("admin")
    admin.post(f"/resetpassword/form?pk={_user(app, 'registrar')['id']}",
               data={"password": "another long passphrase", "conf_password": "another long passphrase"})
    client = app.test_client()
    assert client.post("/api/v1/security/refresh", headers=bearer_of(refresh)).status_code == 401
    assert client.get("/api/v1/contracts/", headers=bearer_of(access)).status_code == 401


def test_a_token_signed_without_a_session_is_refused(app):
    from flask_jwt_extended import create_access_token

    with app.app_context():
        token = create_access_token(identity="1", fresh=True)  # what the old login issued
    assert app.test_client().get("/api/v1/contracts/", headers=bearer_of(token)).status_code == 401
