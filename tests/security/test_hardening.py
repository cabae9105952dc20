"""Login hardening with database accounts: rate limit (browser and API), POST-only logout with CSRF,
session cookie flags and idle lifetime, no account enumeration."""
import re
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner

from config import ProductionConfig
from tests.security.conftest import api_login, sign_in, signed_in

WRONG = "Wrong login or password."
TOO_MANY = "Too many sign-in attempts"
LIMITED = {"RATELIMIT_ENABLED": True, "AUTH_RATE_LIMITED": True, "AUTH_RATE_LIMIT": "3 per 1 hour"}


def test_unknown_login_and_wrong_password_get_the_same_answer(app):
    _, wrong = sign_in(app, "detu", "not-demo")
    _, unknown = sign_in(app, "nobody", "demo")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
    assert api_login(app, "detu", "not-demo", provider="db").json == api_login(app, "nobody", "x", provider="db").json


def test_an_empty_field_is_explained_and_the_login_kept(app):
    client, response = sign_in(app, "detu", "")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and not signed_in(client)
    assert "Give your login and your password." in page and 'value="detu"' in page


def test_browser_logins_are_limited_per_address_even_with_the_right_password(variant):
    with variant(**LIMITED) as app:
        for _ in range(3):
            _, response = sign_in(app, "detu", "wrong")
            assert response.status_code == 200
        client, response = sign_in(app, "detu", "demo")
        assert response.status_code == 429 and not signed_in(client)
        assert TOO_MANY in response.get_data(as_text=True)
        # Another address has its own budget.
        client, response = sign_in(app, "detu", "demo", environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert response.status_code == 302 and signed_in(client)


def test_the_api_login_is_limited_too_and_shares_the_budget(variant):
    with variant(**LIMITED) as app:
        sign_in(app, "detu", "wrong")
        for _ in range(2):
            assert api_login(app, "detu", "wrong", provider="db").status_code == 401
        response = api_login(app, "detu", "demo", provider="db")
        assert response.status_code == 429 and "Too many" in response.json["message"]
        _, response = sign_in(app, "detu", "demo")
        assert response.status_code == 429


def test_logout_is_not_limited(variant):
    with variant(**LIMITED) as app:
        client, _ = sign_in(app, "detu", "demo")
        for _ in range(5):
            assert client.post("/logout/").status_code == 302


def test_the_limit_is_on_in_the_shipped_configuration():
    from config import Config

    assert Config.RATELIMIT_ENABLED and Config.AUTH_RATE_LIMITED


def test_logout_is_post_only(app, login):
    client = login("detu")
    assert client.get("/logout/").status_code == 405
    assert signed_in(client)
    response = client.post("/logout/")
    assert response.status_code == 302 and not signed_in(client)
    assert client.get("/contracts/dashboard/").status_code == 302


def test_with_csrf_on_logout_needs_the_token_of_the_page(variant):
    with variant(WTF_CSRF_ENABLED=True) as app:
        client = app.test_client()
        page = client.get("/login/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login/", data={"username": "detu", "password": "demo", "csrf_token": token})
        assert signed_in(client)
        assert client.post("/logout/").status_code == 400  # no token: refused, still signed in
        assert signed_in(client)
        dashboard = client.get("/contracts/dashboard/").get_data(as_text=True)
        form = re.search(r'<form method="post" action="(/logout/)" class="logout-form">\s*'
                         r'<input type="hidden" name="csrf_token" value="([^"]+)">', dashboard)
        assert form, "the navbar's logout form"
        assert client.post(form.group(1), data={"csrf_token": form.group(2)}).status_code == 302
        assert not signed_in(client)


def test_login_without_the_csrf_token_does_not_sign_in(variant):
    with variant(WTF_CSRF_ENABLED=True) as app:
        client, response = sign_in(app, "detu", "demo")
        assert response.status_code == 400 and not signed_in(client)


def _session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_flags_and_lifetime(variant):
    with variant(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30)) as app:
        _, response = sign_in(app, "detu", "demo")
        cookie = _session_cookie(response)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # the local http demo keeps working
        assert "Expires=" in cookie  # a permanent session: the lifetime applies


def test_production_sends_the_session_cookie_over_https_only(app):
    from app import create_app

    production = create_app(ProductionConfig, {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SECRET_KEY": "production-test-secret-of-enough-length",
        # The start check refuses the SQLite test database (tests/security/test_production.py).
        "PRODUCTION": False,
    })
    _, response = sign_in(production, "detu", "demo")
    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with production.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture
def clock(monkeypatch):
    """Move the session signer's clock (Flask checks the cookie's age against the lifetime)."""
    offset = {"seconds": 0}
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + offset["seconds"])
    return offset


def test_the_session_expires_after_the_idle_lifetime(variant, clock):
    with variant(PERMANENT_SESSION_LIFETIME=timedelta(minutes=30)) as app:
        client, _ = sign_in(app, "detu", "demo")
        clock["seconds"] = 29 * 60
        assert client.get("/contracts/dashboard/").status_code == 200  # still there, and renewed
        clock["seconds"] = 29 * 60 * 2
        assert client.get("/contracts/dashboard/").status_code == 200  # renewed by the last request
        clock["seconds"] = 29 * 60 * 2 + 31 * 60
        response = client.get("/contracts/dashboard/")
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
