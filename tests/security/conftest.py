"""Fixtures of the security tests: a real slapd with people and groups, apps configured for LDAP.

A module opts into LDAP by using ``ldap_app`` / ``slapd``; it then gets the root ``app`` built with
``LDAP_SETTINGS`` pointing at this module's slapd (``app_overrides``).
"""
import json
from contextlib import contextmanager

import pytest
from flask_appbuilder.const import AUTH_LDAP

from tests import conftest
from tests.security import slapd as S

PASSWORDS = {}


def _p(uid, *args, **kwargs):
    entry = S.person(uid, *args, password=f"pw-{uid}", **kwargs)
    PASSWORDS[uid] = f"pw-{uid}"
    return entry


PEOPLE = [
    _p("detu1", "Delphine", "Dupuis"),
    _p("multi", "Marc", "Multiple"),
    _p("cons1", "Claire", "Conseil"),
    _p("ref1", "Rachel", "Référente"),
    _p("adm1", "Arnaud", "Admin"),
    _p("staff1", "Sam", "Sansrôle"),
    _p("sync1", "Simon", "Sync"),
    _p("etu-new", "Nina", "Nouvelle", student_number="29900001"),
    _p("etu-unknown", "Ugo", "Inconnu", student_number="39900002"),
    _p("star*name", "Stella", "Étoile"),
    _p("nomail", "Noé", "Sansmail", mail=False),
]
# Group names spelled with other cases than in the mapping below, on purpose.
GROUPS = {
    "conpere-detu": ["detu1", "multi", "sync1"],
    "Conpere-Scolarite": ["multi"],
    "CONPERE-Conseillers": ["cons1"],
    "conpere-referents": ["ref1"],
    "conpere-admins": ["adm1"],
    "personnels": ["staff1", "detu1"],
}
ROLE_MAPPING = {
    "cn=conpere-detu,ou=groups,dc=univ,dc=test": ["DETU"],
    "CN=CONPERE-SCOLARITE, OU=Groups,DC=Univ,DC=Test": "Registrar",
    "conpere-conseillers": "Counsellor",  # a bare group name: compared to the group's cn
    "cn=conpere-referents,ou=groups,dc=univ,dc=test": "FunctionalReferent",
    "cn=conpere-admins,ou=groups,dc=univ,dc=test": "Admin",
}
NEW_STUDENT_NUMBER = "29900001"


def ldap_settings(*urls, **extra):
    settings = {
        "AUTH_TYPE": AUTH_LDAP,
        "LDAP_URLS": " ".join(urls),
        "LDAP_BIND_DN": S.SERVICE_DN,
        "LDAP_BIND_PASSWORD": S.SERVICE_PASSWORD,
        "LDAP_PEOPLE_BASE": S.PEOPLE,
        "LDAP_PEOPLE_FILTER": "(objectClass=inetOrgPerson)",
        "LDAP_ROLE_MAPPING": json.dumps(ROLE_MAPPING),
        "LDAP_TIMEOUT": 2,
    }
    settings.update(extra)
    return settings


def _skip_without_slapd():
    if not S.slapd_available():
        pytest.skip(f"slapd is not installed: {S.INSTALL}")


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    _skip_without_slapd()
    server = S.Slapd(str(tmp_path_factory.mktemp("slapd"))).start()
    server.load(PEOPLE, GROUPS)
    yield server
    server.stop()


@pytest.fixture
def spare_slapd(tmp_path_factory):
    """A second directory with the same content, for this test alone (to stop it, fail over…)."""
    _skip_without_slapd()
    server = S.Slapd(str(tmp_path_factory.mktemp("slapd-spare"))).start()
    server.load(PEOPLE, GROUPS)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def app_overrides():
    """Settings added to the module's APP_CONFIG; LDAP modules override this fixture."""
    return {}


@pytest.fixture(scope="module")
def _module_settings(request, app_overrides):
    # These tests read the interface's English texts; French rendering is tested in tests/test_i18n.py.
    request.module.APP_CONFIG = {
        "BABEL_DEFAULT_LOCALE": "en", **getattr(request.module, "APP_CONFIG", {}), **app_overrides
    }


@pytest.fixture(scope="module")
def app(_module_settings, app):  # noqa: F811 — the root `app`, once APP_CONFIG is complete
    return app


@pytest.fixture
def variant(app):
    """``with variant(**settings) as other:`` another app on this module's database."""
    from app.extensions import db
    from tests.conftest import make_app

    @contextmanager
    def build(**settings):
        other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **{**_current_overrides(app), **settings})
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()

    return build


def _current_overrides(app):
    keys = [k for k in app.config if k.startswith("LDAP_")] + ["AUTH_TYPE", "BABEL_DEFAULT_LOCALE"]
    return {k: app.config[k] for k in keys}


def _password(username, password):
    return PASSWORDS.get(username, "demo") if password is None else password


def sign_in(app, username, password=None, **kwargs):
    """tests.conftest.sign_in, with the directory's password of ``username`` by default."""
    return conftest.sign_in(app, username, _password(username, password), **kwargs)


def signed_in(client):
    with client.session_transaction() as session:
        return "_user_id" in session


def api_login(app, username, password=None, provider="ldap"):
    """tests.conftest.api_login from a new client, through the directory by default."""
    return conftest.api_login(app.test_client(), username, _password(username, password), provider)
