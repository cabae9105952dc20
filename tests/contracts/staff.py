"""Helpers of the staff page tests: contract ids in a page, in the database, and the list's arguments."""
import re

from sqlalchemy import event, select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Faculty, Programme

PAGE = "ContractsView"


def ids_in(page):
    """Contract ids linked from a page, in the order they first appear."""
    seen = []
    for found in re.findall(r"/contracts/show/(\d+)", page):
        if int(found) not in seen:
            seen.append(int(found))
    return seen


def scoped_ids(app, *conditions):
    with app.app_context():
        query = select(Contract.id).join(Programme).join(Faculty)
        for condition in conditions:
            query = query.where(condition)
        return set(db.session.scalars(query).all())


def one_contract(app, *conditions):
    return min(scoped_ids(app, *conditions))


def list_page(client, **args):
    """The list as HTML: every year and the largest page unless the arguments say otherwise."""
    query = {"year": "all", f"psize_{PAGE}": 100, **args}
    response = client.get("/contracts/list/", query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed(client, **args):
    return set(ids_in(list_page(client, **args)))


def submitted_l1math(app):
    return one_contract(app, Programme.step_code == "L1MATH", Contract.status == "submitted")


def statements_of(app, client, url):
    """The SQL statements one request of ``client`` to ``url`` runs (it must answer 200), and its page."""
    statements = []
    with app.app_context():
        engine = db.engine

    def record(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)
