"""Fixtures of the API tests: headers of a service account (API key); a demo account's JWT: ``bearer`` (tests/conftest.py)."""
import pytest

from app.api import accounts


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
