"""Fixtures of the API tests: bearer headers for a demo account (JWT) or a service account (API key)."""
import pytest

from app.api import accounts


@pytest.fixture
def bearer(client):
    """``bearer("detu")`` → headers carrying a fresh JWT of that demo account."""

    def _bearer(username, password="demo"):
        response = client.post(
            "/api/v1/security/login", json={"username": username, "password": password, "provider": "db"}
        )
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return _bearer


@pytest.fixture
def service_key(app):
    """``service_key("bi", faculties=("SCI",))`` → headers carrying a new API key of a new service account."""

    def _service_key(username, faculties=(), all_faculties=False, health_needs=False):
        with app.app_context():
            scope = accounts.Scope("Nightly pull of the BI warehouse", tuple(faculties), all_faculties, health_needs)
            account = accounts.create_service_account(username, scope)
            issued = accounts.issue_key(account, f"{username} key")
        return {"Authorization": f"Bearer {issued['key']}"}

    return _service_key
