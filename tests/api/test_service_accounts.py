"""Machine accounts: administrators create them with a scope, issue keys (shown once), see their last
use, revoke them; a key opens the API and nothing else."""
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from app.api import accounts
from app.api.models import ServiceAccount
from app.extensions import db

CONTRACTS = "/api/v1/contracts/"


def _issue_on_page(admin, account_id, name="entrepot"):
    page = admin.post(f"/service-accounts/{account_id}/keys", data={"name": name})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    return re.search(r'value="(sst_[^"]+)"', page.get_data(as_text=True)).group(1)


def test_an_administrator_creates_an_account_issues_a_key_and_revokes_it(app, client, login):
    admin = login("admin")
    created = admin.post("/service-accounts/add", data={
        "username": "pegase", "purpose": "Pégase reads the signed contracts", "faculties": ["SCI"]})
    assert created.status_code == 302
    with app.app_context():
        account = db.session.scalar(select(ServiceAccount).join(ServiceAccount.user).where(
            ServiceAccount.user.has(username="pegase")))
        assert [r.name for r in account.user.roles] == ["ApiReader"]
        assert [f.code for f in account.faculties] == ["SCI"] and not account.health_needs
        account_id = account.id

    key = _issue_on_page(admin, account_id)
    answer = client.get(CONTRACTS, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    assert {c["programme"]["faculty"]["code"] for c in answer.json["result"]} == {"SCI"}

    listing = admin.get("/service-accounts/").get_data(as_text=True)
    assert "pegase" in listing and "jamais utilisée" not in listing.split("pegase", 1)[1].split("</section>")[0]

    with app.app_context():
        uuid = app.appbuilder.sm.find_api_keys_for_user(db.session.get(ServiceAccount, account_id).user_id)[0].uuid
    assert admin.post(f"/service-accounts/keys/{uuid}/revoke").status_code == 302
    assert client.get(CONTRACTS, headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_a_form_with_a_mistake_keeps_what_was_typed_and_says_what_is_wrong(login):
    page = login("admin").post("/service-accounts/add", data={"username": "Bad Name!", "purpose": "Warehouse"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Warehouse" in text and "Bad Name!" in text
    assert "lettres minuscules" in text and "au moins une composante" in text


def test_a_deactivated_account_or_an_expired_key_opens_nothing(app, client, service_key, login):
    headers = service_key("bi-old", all_faculties=True)
    assert client.get(CONTRACTS, headers=headers).status_code == 200
    with app.app_context():
        account = db.session.scalar(select(ServiceAccount).order_by(ServiceAccount.id.desc()))
        account_id = account.id
        expired = accounts.issue_key(account, "short", datetime.now() + timedelta(seconds=1))
        key = app.appbuilder.sm.find_api_keys_for_user(account.user_id)[0]
        key.expires_on = datetime.now() - timedelta(minutes=1)
        db.session.commit()
    assert client.get(CONTRACTS, headers={"Authorization": f"Bearer {expired['key']}"}).status_code == 401
    login("admin").post(f"/service-accounts/{account_id}/edit", data={"purpose": "Old", "all_faculties": "y"})
    assert client.get(CONTRACTS, headers=headers).status_code == 401


def test_a_key_opens_the_api_only_and_a_service_account_has_no_password(client, service_key):
    headers = service_key("bi-pages", all_faculties=True)
    page = client.get("/contracts/list/", headers=headers)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    login = client.post("/api/v1/security/login", json={"username": "bi-pages", "password": "", "provider": "db"})
    assert login.status_code in (400, 401)


def test_others_than_administrators_do_not_manage_service_accounts(login):
    for username in ("referent", "registrar"):
        assert login(username).get("/service-accounts/").status_code == 403


def test_the_command_line(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["service-account", "create", "ent-portal", "--purpose", "Portal", "--faculty", "LET"])
    assert created.exit_code == 0, created.output
    issued = runner.invoke(args=["service-account", "key", "ent-portal", "--key-name", "web1", "--expires", "2099-01-01"])
    assert issued.exit_code == 0 and issued.output.startswith("sst_")
    listed = runner.invoke(args=["service-account", "list"])
    assert "ent-portal: LET — Portal" in listed.output and "web1 [active] last used: never used" in listed.output
    uuid = re.search(r"  (\S+) web1", listed.output).group(1)
    assert runner.invoke(args=["service-account", "revoke", uuid]).exit_code == 0
    assert "web1 [revoked]" in runner.invoke(args=["service-account", "list"]).output
    for args in (["create", "ent-portal", "--purpose", "x", "--all-faculties"],
                 ["create", "other", "--purpose", "x", "--faculty", "NOPE"],
                 ["key", "nobody", "--key-name", "k"], ["revoke", "not-a-uuid"]):
        failed = runner.invoke(args=["service-account", *args])
        assert failed.exit_code != 0 and failed.output.startswith("Error: ") and len(failed.output.splitlines()) == 1
