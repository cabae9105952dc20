import pytest

from tests.reports import dataset


@pytest.fixture
def built(app):
    """The known university of ``dataset`` on top of the demo (ids by short name)."""
    with app.app_context():
        made = dataset.build()
        ids = {name: s.id for name, s in made.students.items()}
        contracts = {name: c.id for name, c in made.contracts.items()}
        from app.extensions import db

        db.session.remove()
    return {"students": ids, "contracts": contracts}


@pytest.fixture
def report_tables(app, built):
    """``report_tables("detu", "progress", programme=3)`` → {table name: rows} as that user sees them."""
    from flask import g

    from app.reports import registry
    from app.reports.filters import ReportFilters

    def _tables(username, name, **args):
        args.setdefault("year", dataset.YEAR)
        with app.test_request_context():
            user = app.appbuilder.sm.find_user(username=username)
            g.user = user
            tables = registry.find(name).tables(user, ReportFilters.from_args(args), 200)
            return {t.name: t.rows for t in tables}

    return _tables
