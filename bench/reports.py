"""Each report page (and the dashboard) against the raw SQL of its aggregation, on a large database.

    .venv/bin/python bench/generate.py --contracts 200000 --database-url postgresql://…/conpere_bench
    .venv/bin/python bench/reports.py --database-url postgresql://…/conpere_bench [--write]

For each page and user: the page is requested through the application (login, policy, filters,
queries, template, chart data), and the SQL statements that the report's figures ran are then
replayed on a raw DBAPI cursor, results fetched and nothing else. Both are timed the same way
(median of --repeat, after one warm-up each), alternately, in the same process. The ratio
page / raw SQL is the figure to compare; the target is 3× at most.
"""
import argparse

from common import app_at, median_seconds, replace_section

USERS = ("admin", "registrar", "detu")
TARGET = 3.0


def figures_statements(app, username, name, args):
    """The SQL statements (text, parameters) the figures of a page run, captured once."""
    from flask import g
    from sqlalchemy import event

    from app.extensions import db
    from app.reports import dashboard, registry
    from app.reports.filters import ReportFilters
    from app.reports.views import LIST_LIMIT

    captured = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.test_request_context():
        g.user = user = app.appbuilder.sm.find_user(username=username)
        filters = ReportFilters.from_args(args)
        engine = db.engine
        event.listen(engine, "before_cursor_execute", listener)
        try:
            if name == "dashboard":
                table = dashboard.status_table(user, filters)
                dashboard.progress_rate(user, filters)
                dashboard.to_do(user, filters, table.rows)
            else:
                registry.find(name).tables(user, filters, LIST_LIMIT)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        db.session.remove()
    return captured


def raw_runner(app, statements):
    from app.extensions import db

    def run():
        with app.app_context():
            connection = db.engine.raw_connection()
            try:
                cursor = connection.cursor()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
                cursor.close()
                connection.rollback()
            finally:
                connection.close()
    return run


def page_runner(client, path):
    def run():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    return run


def count_contracts(app):
    from sqlalchemy import func, select

    from app.contracts.models import Contract
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count(Contract.id)))


def measure(app, repeat, year):
    from app.reports.registry import REPORTS

    pages = [("dashboard", "/contracts/dashboard/")] + [(r.name, f"/reports/{r.name}/") for r in REPORTS]
    results = []
    for username in USERS:
        client = app.test_client()
        response = client.post("/login/", data={"username": username, "password": "demo"})
        assert response.status_code == 302, f"login of {username} failed"
        for name, path in pages:
            args = {"year": year} if year else {}
            statements = figures_statements(app, username, name, args)
            query = f"?year={year}" if year else ""
            page = median_seconds(page_runner(client, path + query), repeat)
            raw = median_seconds(raw_runner(app, statements), repeat)
            results.append((name, username, len(statements), page, raw))
            print(f"{name:10} {username:10} {len(statements):3} statements  page {page * 1000:8.1f} ms  "
                  f"raw SQL {raw * 1000:8.1f} ms  ratio {page / raw:5.2f}", flush=True)
    return results


def table_lines(results, contracts, dialect):
    lines = [
        f"`bench/reports.py` on {dialect}, {contracts:,} contracts (`bench/generate.py`), median of the runs. "
        "*Page*: the request through the application (session, policy, filters, every query, template, "
        "chart data); *raw SQL*: the statements the report's figures ran, replayed on a DBAPI cursor and "
        "fetched. Target: page ≤ 3× raw SQL.",
        "",
        "| report | user | statements | page (ms) | raw SQL (ms) | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, username, count, page, raw in results:
        lines.append(f"| {name} | {username} | {count} | {page * 1000:.0f} | {raw * 1000:.0f} | {page / raw:.2f}× |")
    worst = max(page / raw for *_, page, raw in results)
    lines += ["", f"Worst ratio: {worst:.2f}× ({'within' if worst <= TARGET else 'OVER'} the 3× target)."]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database made by bench/generate.py")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, help="the year shown (default: the current year of the settings)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    options = parser.parse_args()
    if options.repeat < 1:
        parser.exit(2, "--repeat must be at least 1\n")
    app = app_at(options.database_url)
    contracts = count_contracts(app)
    results = measure(app, options.repeat, options.year)
    with app.app_context():
        from app.extensions import db

        dialect = db.engine.dialect.name
    lines = table_lines(results, contracts, dialect)
    print("\n".join(lines))
    if options.write:
        replace_section("Reports", lines)


if __name__ == "__main__":
    main()
