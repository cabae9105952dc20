"""Shared fixtures.

Databases: SQLite files in a temporary folder by default; PostgreSQL when ``TEST_DATABASE_URL`` (or
``DATABASE_URL``) points at a server (one throwaway database per test module and worker, cloned
from a template). The template is migrated with Alembic and loaded with the demo university once
per session; each test starts from a fresh copy of it.

One app per test module, from the factory (``app`` fixture). Log in with ``login("detu")`` (a
signed-in test client), ``sign_in`` (the login form's answer, for tests of the login itself) or
``bearer("detu")`` (API headers); ``contract_of("student")`` reads a demo student's contract.
"""
import hashlib
import os
import shutil
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from werkzeug.serving import make_server

from config import TestConfig

DEMO_TODAY = None  # the demo seeds against the real date; its campaign covers the whole year


def _server_url():
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith("postgresql") else None


class Databases:
    """Creates the template database once, then fresh copies of it."""

    def __init__(self, tmp_dir, worker):
        self.tmp_dir = tmp_dir
        self.worker = worker
        self.server = _server_url()

    def url(self, name):
        if self.server:
            return make_url(self.server).set(database=f"conpere_{name}_{self.worker}").render_as_string(hide_password=False)
        return f"sqlite:///{os.path.join(self.tmp_dir, name + '.db')}"

    def _admin_engine(self):
        return sa.create_engine(
            make_url(self.server).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    def drop(self, name):
        if self.server:
            database = make_url(self.url(name)).database
            with self._admin_engine().connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        else:
            path = make_url(self.url(name)).database
            if os.path.exists(path):
                os.remove(path)

    def create_empty(self, name):
        self.drop(name)
        if self.server:
            database = make_url(self.url(name)).database
            with self._admin_engine().connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{database}"'))

    def copy(self, source, target):
        self.drop(target)
        if self.server:
            src, dst = make_url(self.url(source)).database, make_url(self.url(target)).database
            with self._admin_engine().connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{dst}" TEMPLATE "{src}"'))
        else:
            shutil.copyfile(make_url(self.url(source)).database, make_url(self.url(target)).database)


def make_app(database_url, **overrides):
    from app import create_app

    settings = {"SQLALCHEMY_DATABASE_URI": database_url}
    settings.update(overrides)
    app = create_app(TestConfig, settings)
    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    return app


def migrate_and_seed(app, demo=True):
    from flask_migrate import upgrade

    from seeds.demo import load_demo

    with app.app_context():
        upgrade()
        if demo:
            load_demo()
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory, worker_id):
    dbs = Databases(str(tmp_path_factory.mktemp("db")), worker_id)
    dbs.create_empty("template")
    migrate_and_seed(make_app(dbs.url("template")))
    yield dbs
    dbs.drop("template")


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="module")
def app(databases, request):
    name = "m_" + hashlib.sha1(request.module.__name__.encode()).hexdigest()[:12]
    databases.copy("template", name)
    app = make_app(databases.url(name), **getattr(request.module, "APP_CONFIG", {}))
    app.test_database_name = name
    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    databases.drop(name)


@pytest.fixture(autouse=True)
def fresh_database(request, databases):
    """Each test that uses the app starts from the demo university as seeded."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
    databases.copy("template", app.test_database_name)
    yield


@pytest.fixture
def ctx(app):
    """A request context with a clean session, for calling business functions directly.

    Do not make test-client requests while it is active: they would share its ``g``."""
    from app.extensions import db

    with app.test_request_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


def sign_in(app, username, password="demo", **kwargs):
    """POST the login form as a new browser; returns (client, response), whatever the outcome."""
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password}, **kwargs)
    return client, response


def api_login(client, username, password="demo", provider="db", **extra):
    """POST the API's login; returns the response (its JSON holds the tokens when it succeeds)."""
    return client.post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": provider, **extra})


def bearer_of(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def login(app):
    """``login("detu")`` returns a test client signed in as that demo account."""

    def _login(username, password="demo"):
        client, response = sign_in(app, username, password)
        assert response.status_code == 302, f"login of {username} failed"
        return client

    return _login


@pytest.fixture
def bearer(client):
    """``bearer("detu")`` → headers carrying a fresh JWT of that demo account."""

    def _bearer(username, password="demo"):
        response = api_login(client, username, password)
        assert response.status_code == 200, response.get_json()
        return bearer_of(response.json["access_token"])

    return _bearer


def contract_of(student, year=None, kind="initial"):
    """The contract of a demo student, named by login ("student") or student number, of ``year``
    (the current one by default) and ``kind``; read in the current app context."""
    from flask import current_app
    from sqlalchemy import select

    from app.catalog.models import Settings
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Student

    if student.isdigit():
        who = Student.student_number == student
    else:
        who = Student.user_id == current_app.appbuilder.sm.find_user(username=student).id
    year = year or db.session.get(Settings, 1).current_year
    return db.session.scalar(select(Contract).join(Student, Contract.student_id == Student.id)
                             .where(who, Contract.year == year, Contract.kind == kind))


@pytest.fixture
def users(ctx):
    """Demo accounts by username, loaded in the current session."""
    from flask import current_app

    sm = current_app.appbuilder.sm

    class _Users(dict):
        def __missing__(self, name):
            user = sm.find_user(username=name)
            assert user is not None, name
            self[name] = user
            return user

    return _Users()


@pytest.fixture
def today():
    return date.today()


# --- a real browser ---------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skips with the install command when it is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is missing: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def live_server(app):
    """The module's app served by a real HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server; relative URLs work."""
    context = browser.new_context(base_url=live_server, locale="fr-FR", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()
