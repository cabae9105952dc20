"""Findings 3 and 9: security headers on every answer; nothing with student data is cached."""
import re

import pytest

from tests.security.conftest import sign_in

PAGES = ["/login/", "/contracts/dashboard/", "/contracts/list/", "/my/contract/", "/users/list/", "/no-such-page"]


def _csp(response):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response.headers["Content-Security-Policy"].split(";")
    )


@pytest.mark.parametrize("user", ["admin", "detu", "student", None])
def test_every_html_answer_carries_the_headers(app, login, user):
    client = login(user) if user else app.test_client()
    for path in PAGES:
        response = client.get(path)
        assert response.mimetype == "text/html", path
        csp = _csp(response)
        assert csp["frame-ancestors"] == "'none'", path
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
        assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Strict-Transport-Security" not in response.headers  # the http demo


def test_inline_scripts_carry_the_answer_s_nonce_and_no_handler_attributes(app, login):
    client = login("admin")
    for path in ("/users/list/", "/contracts/dashboard/", "/my/contract/", "/users/add"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", _csp(response)["script-src"]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", page):
            # External files come from 'self'; JSON data blocks are never executed.
            if "src=" not in tag and 'type="application/json"' not in tag:
                assert f'nonce="{nonce}"' in tag, (path, tag)
        assert not re.search(r"\son(click|load|change|submit|error)=", page), path
        assert "javascript:" not in page


def test_each_answer_gets_a_new_nonce(app, login):
    client = login("detu")
    first, second = (_csp(client.get("/contracts/list/"))["script-src"] for _ in range(2))
    assert first != second


def test_files_with_student_data_are_not_cached_but_static_files_are(app, login):
    client = login("registrar")
    assert client.get("/api/v1/contracts/").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/conpere.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_hsts_on_https_answers_when_configured(variant):
    with variant(HSTS_SECONDS=3600) as app:
        secure = app.test_client().get("/login/", base_url="https://conpere.univ.test")
        assert secure.headers["Strict-Transport-Security"] == "max-age=3600"
        plain = app.test_client().get("/login/")
        assert "Strict-Transport-Security" not in plain.headers


def test_the_contract_page_cannot_be_framed(app, login):
    """Finding 3: the page with « Signer » refuses every frame, the site's own included."""
    client = login("detu")
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import DetuAssignment

    with app.app_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        # One of this DETU's contracts: other tests may have added submitted contracts elsewhere.
        pk = (db.session.query(Contract.id).join(DetuAssignment, DetuAssignment.programme_id == Contract.programme_id)
              .filter(DetuAssignment.user_id == detu.id, Contract.status == "submitted")
              .order_by(Contract.id).first()[0])
    response = client.get(f"/contracts/show/{pk}")
    assert response.status_code == 200
    assert _csp(response)["frame-ancestors"] == "'none'" and response.headers["X-Frame-Options"] == "DENY"
