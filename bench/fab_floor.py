"""What a signed-in list page costs in Flask-AppBuilder itself, beside ConPeRe's page that shows nothing.

    .venv/bin/python bench/fab_floor.py --database-url postgresql://…/conpere_bench [--repeat 40]
        [--write "FAB's own floor"]

Issue 13 puts the contracts in FAB's generated views; issue 11 wants every list within 3× the raw
SQL of its rows. A page that shows no row costs what the framework and the layout cost, and that
cost sets how small a list's SQL may be before 3× cannot hold. This measures, alternately in one
run, four things on the same PostgreSQL server:

- a bare Flask-AppBuilder application (none of ConPeRe's code, FAB's own templates): one
  ``ModelView`` of an empty table, signed in as a user whose one role grants that list and its
  menu, in a schema of its own (``bench_bare_fab``) of the same PostgreSQL database (on SQLite, in
  a file beside the database's);
- the raw SQL of that list (its count and its first rows);
- ConPeRe's page that shows nothing (``pages.FIXED_COST``: the teacher's list of a year without
  contracts) and its raw SQL, as ``bench/pages.py`` measures them.
"""
import argparse
import gc
import logging
import os
import statistics
import sys
import time

import sqlalchemy as sa

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [BENCH, os.path.dirname(BENCH)]

import pages  # noqa: E402
from common import machine_note, publish  # noqa: E402
from generate import make_app  # noqa: E402

SCHEMA = "bench_bare_fab"
BARE_SQL = ["SELECT id, name FROM bench_bare_thing ORDER BY id LIMIT 25", "SELECT COUNT(*) FROM bench_bare_thing"]


def bare_database(database_url):
    """A place of its own for the bare application, on the same server: a fresh schema, or file."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = os.path.join(os.path.dirname(os.path.abspath(url.database)), f"{SCHEMA}.db")
        if os.path.exists(path):
            os.remove(path)
        return url.set(database=path)
    url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    return url.update_query_dict({"options": f"-csearch_path={SCHEMA}"})


def drop_bare_database(url):
    if url.get_backend_name() == "sqlite":
        os.remove(url.database)
        return
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


def bare_fab_app(url):
    """FAB 5 as its quick start builds it, at ``url``: a test client signed in, and the engine."""
    from flask import Flask
    from flask_appbuilder import AppBuilder, Model, ModelView
    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from flask_appbuilder.utils.legacy import get_sqla_class
    from sqlalchemy.orm import declarative_base

    class Thing(declarative_base()):  # not in FAB's metadata, which ConPeRe's models share
        __tablename__ = "bench_bare_thing"
        id = sa.Column(sa.Integer, primary_key=True)
        name = sa.Column(sa.String(50))

    class ThingView(ModelView):
        datamodel = SQLAInterface(Thing)
        list_columns = ["name"]

    db = get_sqla_class()(metadata=Model.metadata)
    app = Flask("bare_fab")
    app.config.update(
        SECRET_KEY="bench-secret-key-long-enough-for-hmac", WTF_CSRF_ENABLED=False,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},  # as ConPeRe's engine
    )
    db.init_app(app)
    with app.app_context():
        # FAB's own tables only: ConPeRe's models share FAB's metadata.
        Model.metadata.create_all(db.engine, tables=[t for t in Model.metadata.sorted_tables if t.name.startswith("ab_")])
        Thing.metadata.create_all(db.engine)
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        appbuilder.add_view(ThingView, "Things")
        sm = appbuilder.sm
        role = sm.add_role("Reader")
        for permission, view in (("can_list", "ThingView"), ("menu_access", "Things")):
            sm.add_permission_role(role, sm.find_permission_view_menu(permission, view))
        sm.add_user("reader", "Bare", "Reader", "reader@example.org", role, "demo")
        engine = db.engine
    client = app.test_client()
    if client.post("/login/", data={"username": "reader", "password": "demo"}).status_code != 302:
        raise SystemExit("fab_floor: the bare application's login failed")
    return client, engine


def _timed(call):
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--write", metavar="TITLE", help="write the table to docs/benchmarks.md under this title")
    args = parser.parse_args(argv)
    if not args.database_url:
        print("fab_floor: give --database-url (or set BENCH_DATABASE_URL)", file=sys.stderr)
        return 2
    logging.getLogger("flask_appbuilder").setLevel(logging.ERROR)  # its first-run advice to create a user
    app = make_app(args.database_url)
    with app.app_context():
        from app.extensions import db

        engine = db.engine
        ctx = pages.context(db.session)
        db.session.remove()
    fixed = next(page for page in pages.PAGES if page.name == pages.FIXED_COST)
    fixed_user, fixed_url, fixed_sql, fixed_params = pages.prepared(fixed, ctx)
    conpere = pages.login(app, fixed_user)
    bare_url = bare_database(args.database_url)
    bare, bare_engine = bare_fab_app(bare_url)
    gc.collect()
    gc.freeze()
    counters = {"bare": pages.StatementCounter(bare_engine), "conpere": pages.StatementCounter(engine)}
    steps = {
        "bare": lambda: bare.get("/thingview/list/"),
        "bare raw": lambda: pages.run_raw(bare_engine, BARE_SQL, {}),
        "conpere": lambda: conpere.get(fixed_url),
        "conpere raw": lambda: pages.run_raw(engine, fixed_sql, fixed_params),
    }
    times, statements, started_load = {name: [] for name in steps}, {}, os.getloadavg()[0]
    for attempt in range(args.repeat + pages.WARM_UPS):
        for name, step in steps.items():
            counter = counters.get(name)
            if counter:
                counter.count = 0
            elapsed, result = _timed(step)
            if counter:
                statements[name] = counter.count
                if result.status_code != 200:
                    raise SystemExit(f"fab_floor: {name} answered {result.status_code}")
            if attempt >= pages.WARM_UPS:
                times[name].append(elapsed)
    bare_engine.dispose()
    drop_bare_database(bare_url)
    median = {name: statistics.median(values) for name, values in times.items()}
    lines = [
        "| a signed-in list that shows no row | page (ms) | raw SQL (ms) | ratio | SQL statements |",
        "|---|---:|---:|---:|---:|",
        f"| bare Flask-AppBuilder: a `ModelView` of an empty table | {median['bare']:.1f} | {median['bare raw']:.1f} "
        f"| {median['bare'] / median['bare raw']:.1f}× | {statements['bare']} |",
        f"| ConPeRe: {pages.FIXED_COST} | {median['conpere']:.1f} | {median['conpere raw']:.1f} "
        f"| {median['conpere'] / median['conpere raw']:.1f}× | {statements['conpere']} |",
        "",
        machine_note(started_load, f"`bench/fab_floor.py --repeat {args.repeat}`, PostgreSQL, medians of "
                                   "alternate runs"),
    ]
    publish("Pages at scale", args.write, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
