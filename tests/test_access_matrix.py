"""Every route of the app × every demo user and anonymous → allowed or denied, from one table.

The table is the union of ``ROUTES`` in ``tests/<package>/access.py``; a route of the URL map
missing from it fails ``test_every_route_is_in_the_table``.
"""
import importlib
import pkgutil
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

import tests
from tests.access import USERS

UNCHECKED_ENDPOINTS = {"static", "appbuilder.static"}  # files, the same for everyone


def load_table():
    routes = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                module = importlib.import_module(f"tests.{info.name}.access")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.access":
                    raise
                continue
            routes.extend(module.ROUTES)
    return routes


TABLE = load_table()


@dataclass
class Facts:
    """Ids of demo rows the table's URLs point at."""

    student_contract: int  # the `student` account's draft, L1MATH
    l1math_submitted: int  # another student's submitted L1MATH contract, followed by `teacher`
    let_contract: int  # a Lettres contract: detu2's programme, outside the registrar's faculty
    faculty_code: str
    user_id: int  # the `student` account
    service_account: int = None  # the demo's API service account (demo-bi)
    service_account_key: str = None  # the uuid of its key
    detu_notification: int = None  # one of the `detu` account's in-app notifications


@pytest.fixture
def facts(app):
    # Its own short context: requests made while a context is pushed would share its `g`.
    with app.app_context():
        return _facts(app)


def _facts(app):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme, Student

    ctx = db.session
    sm = app.appbuilder.sm
    student_user = sm.find_user(username="student")
    mine = ctx.scalar(select(Contract).join(Student).where(Student.user_id == student_user.id).order_by(Contract.id))
    teacher = sm.find_user(username="teacher")
    from app.people.models import TeacherAssignment

    followed = select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == teacher.id)
    submitted = ctx.scalar(
        select(Contract).join(Programme).where(
            Contract.status == "submitted", Programme.step_code == "L1MATH", Contract.student_id.in_(followed)
        ).order_by(Contract.id)
    )
    let = ctx.scalar(select(Contract).join(Programme).where(Programme.step_code == "L1LETM").order_by(Contract.id))
    from app.api.models import ServiceAccount

    machine = ctx.scalar(select(ServiceAccount).order_by(ServiceAccount.id))
    key = sm.find_api_keys_for_user(machine.user_id)[0]
    from app.notify.models import Notification

    notification = ctx.scalar(select(Notification.id).where(Notification.user_id == sm.find_user(username="detu").id)
                              .order_by(Notification.id))
    return Facts(mine.id, submitted.id, let.id, "SCI", student_user.id, machine.id, key.uuid, notification)


def rules_of(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNCHECKED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method


def test_every_route_is_in_the_table(app):
    declared = {(r.rule, r.method) for r in TABLE}
    missing = sorted(set(rules_of(app)) - declared)
    assert not missing, f"routes missing from the access table (tests/<package>/access.py): {missing}"
    stale = sorted(declared - set(rules_of(app)))
    assert not stale, f"routes in the access table that the app no longer has: {stale}"


def reset_database(app, databases):
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.copy("template", app.test_database_name)


def denied(response):
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303):
        return urlparse(response.headers["Location"]).path.rstrip("/").endswith("/login")
    return False


@pytest.mark.parametrize("route", TABLE, ids=lambda r: f"{r.method} {r.rule}")
def test_route_access(app, databases, login, facts, route):
    # Denied users first; each allowed user of a changing request gets the demo data afresh.
    order = sorted(USERS, key=lambda u: u in route.allowed)
    failures = []
    for user in order:
        if route.method != "GET" and user in route.allowed:
            reset_database(app, databases)
        client = app.test_client() if user == "anonymous" else login(user)
        path = route.path(facts)
        if route.method == "GET":
            response = client.get(path)
        else:
            response = client.open(path, method=route.method, data=route.form(facts))
        if denied(response) == (user in route.allowed):
            failures.append(f"{user}: {response.status_code} {response.headers.get('Location', '')}")
        response.close()  # a streamed answer (ZIP) must end inside its own request
    assert not failures, f"{route.method} {path}: " + "; ".join(failures)
