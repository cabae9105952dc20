"""Pages through the application against the raw SQL that fetches the same rows.

    .venv/bin/python bench/pages.py --database-url postgresql://…/conpere_bench [--repeat 10]
        [--only list] [--write "Pages at 200,000 contracts"]

For each page: the median time of a GET through the whole application (Flask test client, the
production configuration, a signed-in demo account), the median time of the raw SQL that fetches
what the page shows (the same rows, hand-written, run on the same engine), their ratio, and how
many SQL statements the page issued. Page and raw SQL run alternately, so a busy moment on the
shared machine hits both alike; the ratio is the figure to compare between runs.

One page, ``FIXED_COST``, shows no contract: its time is what any signed-in page costs (the
session, Flask-AppBuilder's check, the layout). With it in the run, a last column gives each page's
time beyond that fixed cost, as a ratio to its raw SQL: the cost of the rows themselves.

Each measure is checked: every key the raw SQL returns (first column: a student number, a name)
must appear in the page, so the baseline really is "the same rows".

A page is one ``Page`` in ``PAGES``: add yours there. ``{name}`` in a URL or in SQL is filled
from ``context()``; ``:name`` in SQL is a bound parameter from the same dictionary.
"""
import argparse
import gc
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [BENCH, os.path.dirname(BENCH)]

from common import machine_note, publish  # noqa: E402
from generate import make_app  # noqa: E402

from app.catalog.models import DIPLOMA_TYPE_PATTERN  # noqa: E402

# Which contracts each demo account reads (the policy's rules, by hand).
SCOPES = {
    "detu": "c.programme_id IN (SELECT programme_id FROM detu_assignment WHERE user_id = :uid_detu)",
    "counsellor": "1 = 1",
    "registrar": "c.programme_id IN (SELECT p2.id FROM programme p2 JOIN registrar_assignment ra "
                 "ON ra.faculty_id = p2.faculty_id WHERE ra.user_id = :uid_registrar)",
    "teacher": "c.student_id IN (SELECT student_id FROM teacher_assignment WHERE user_id = :uid_teacher)",
}
NAME_SEARCH = "AND c.student_id IN (SELECT id FROM student WHERE search_name LIKE :pattern)"
# The list: the current year by default, sorted by name; deep pages by keyset (after the last row's key).
LIST_ROWS = """SELECT s.student_number, s.last_name, s.first_name, p.step_code, p.step_version, c.year, c.kind,
 c.status, c.updated_at, r.is_repeating, c.id
FROM contract c JOIN student s ON s.id = c.student_id JOIN programme p ON p.id = c.programme_id
LEFT JOIN registration r ON r.id = c.registration_id
WHERE {scope} AND c.year = :year {search} {after}
ORDER BY s.last_name, s.first_name, c.id LIMIT 50 OFFSET {offset}"""
KEYSET = "AND (s.last_name, s.first_name, c.id) > (:after_last, :after_first, :after_id)"
COUNT = "SELECT COUNT(*) FROM contract c WHERE {scope} AND c.year = :year {search}"
DASHBOARD = """SELECT p.step_code, c.status, COUNT(*) FROM contract c JOIN programme p ON p.id = c.programme_id
WHERE {scope} AND c.year = :year GROUP BY p.step_code, c.status"""
# The dashboard's progress: the scope's registered students who call for a contract (a primary, live
# registration in an active programme of the settings' diploma types), signed, and not started.
PROGRESS = """SELECT COUNT(*), COUNT(c.id) FILTER (WHERE c.status = 'signed'), COUNT(*) FILTER (WHERE c.id IS NULL)
FROM registration r LEFT JOIN contract c ON c.student_id = r.student_id AND c.year = r.year AND c.kind = 'initial'
WHERE {scope} AND r.year = :year AND r.is_primary AND NOT r.is_cancelled
AND r.programme_id IN (SELECT id FROM programme WHERE active AND diploma_type IN ({{diploma_types}}))"""
SHOW = [
    """SELECT s.student_number, s.last_name, s.first_name, c.*, p.step_code, p.step_version, p.label, f.label,
     r.is_primary, r.regime_label, r.is_repeating, u.first_name, u.last_name
     FROM contract c JOIN student s ON s.id = c.student_id JOIN programme p ON p.id = c.programme_id
     JOIN faculty f ON f.id = p.faculty_id LEFT JOIN registration r ON r.id = c.registration_id
     LEFT JOIN ab_user u ON u.id = c.signed_by_id WHERE c.id = :show_id""",
    """SELECT a.label, ca.hours FROM contract_accommodation ca JOIN accommodation a ON a.id = ca.accommodation_id
     WHERE ca.contract_id = :show_id ORDER BY ca.id""",
    """SELECT r.label, r.kind, cr.hours FROM contract_remediation cr JOIN remediation r ON r.id = cr.remediation_id
     WHERE cr.contract_id = :show_id ORDER BY cr.id""",
    "SELECT code, label, ects FROM advance_course WHERE contract_id = :show_id ORDER BY id",
    """SELECT e.from_status, e.to_status, e.at, e.reason, u.first_name, u.last_name FROM contract_event e
     LEFT JOIN ab_user u ON u.id = e.actor_id WHERE e.contract_id = :show_id ORDER BY e.id""",
]
API_ROWS = """SELECT s.student_number, c.id, c.year, c.kind, c.status, s.last_name, s.first_name, p.step_code,
 p.step_version, p.label, c.submitted_at, c.signed_at, c.updated_at
FROM contract c JOIN student s ON s.id = c.student_id JOIN programme p ON p.id = c.programme_id
ORDER BY c.id LIMIT 50 OFFSET {offset}"""
API_URL = "/api/v1/contracts/?q=(order_column:id,order_direction:asc,page:{page},page_size:50)"
STUDENT_FORM = [
    """SELECT s.last_name, c.* FROM contract c JOIN student s ON s.id = c.student_id
     WHERE s.user_id = :uid_student AND c.year = :year AND c.kind = 'initial'""",
    """SELECT ca.accommodation_id, ca.hours FROM contract_accommodation ca JOIN contract c ON c.id = ca.contract_id
     JOIN student s ON s.id = c.student_id WHERE s.user_id = :uid_student AND c.year = :year""",
    "SELECT id, label, label_en, health_related FROM accommodation WHERE active ORDER BY position",
    "SELECT field, html FROM help_text WHERE language = 'fr'",
    "SELECT * FROM settings WHERE id = 1",
    "SELECT * FROM campaign WHERE year = :year",
]
ASSIGNMENTS = """SELECT u.first_name || ' ' || u.last_name, {target} FROM {table} a JOIN ab_user u ON u.id = a.user_id
{join} ORDER BY a.id LIMIT 25"""


FIXED_COST = "a year without contracts · teacher (a signed-in page's fixed cost)"


@dataclass
class Page:
    name: str
    user: str
    url: str
    sql: list  # statements; the first one's first column is checked against the page
    params: dict = field(default_factory=dict)
    keyset: tuple = None  # (user, page): the key the page starts after comes from context()


def staff_list(name, user, page=1, search="", keyset=False, year=None):
    """The staff list of ``user``: page ``page`` by its number (an offset), or by keyset — the
    « next page » link — after the key of the previous page's last row (``context()``); of the
    current year unless ``year`` is given."""
    scope = SCOPES[user]
    words = NAME_SEARCH if search else ""
    url = "/contracts/list/?" + (f"q={search}&" if search else "") + (f"year={year}&" if year else "")
    if keyset:
        url += f"page_ContractsView={page - 1}&after={{cursor_{user}_{page}}}"
        rows = LIST_ROWS.format(scope=scope, search=words, after=KEYSET, offset=0)
    else:
        url += f"page_ContractsView={page - 1}"
        rows = LIST_ROWS.format(scope=scope, search=words, after="", offset=(page - 1) * 50)
    params = {"pattern": f"%{search}%", **({"year": year} if year else {})}
    return Page(name, user, url, [rows, COUNT.format(scope=scope, search=words)], params,
                keyset=(user, page) if keyset else None)


def dashboard(name, user):
    """The status of the scope's contracts by programme, and the progress of its registrations."""
    on_registrations = SCOPES[user].replace("c.programme_id", "r.programme_id").replace("c.student_id", "r.student_id")
    return Page(name, user, "/contracts/dashboard/",
                [DASHBOARD.format(scope=SCOPES[user]), PROGRESS.format(scope=on_registrations)])


def assignment_list(name, table, view, target, join):
    sql = [ASSIGNMENTS.format(table=table, target=target, join=join), f"SELECT COUNT(*) FROM {table}"]
    return Page(name, "referent", f"/{view}/list/", sql)


PAGES = [
    staff_list("staff list, page 1 · DETU", "detu"),
    # The DETU's current year has about 2,100 contracts (43 pages): page 40 is near its end.
    staff_list("staff list, page 40 · DETU (offset)", "detu", page=40),
    staff_list("staff list, page 40 · DETU (next page link)", "detu", page=40, keyset=True),
    staff_list("staff list, page 1 · counsellor (all contracts)", "counsellor"),
    staff_list("staff list, page 50 · counsellor (offset)", "counsellor", page=50),
    staff_list("staff list, page 50 · counsellor (next page link)", "counsellor", page=50, keyset=True),
    staff_list("staff list, page 500 · counsellor (next page link)", "counsellor", page=500, keyset=True),
    staff_list("staff list, page 1 · registrar (a faculty)", "registrar"),
    staff_list("staff list, page 1 · teacher", "teacher"),
    # A year without contracts: what any signed-in page costs (the session, FAB's check, the layout).
    staff_list(FIXED_COST, "teacher", year=2000),
    staff_list("name search « martin » · DETU", "detu", search="martin"),
    staff_list("name search « martin » · counsellor", "counsellor", search="martin"),
    dashboard("dashboard · DETU", "detu"),
    dashboard("dashboard · counsellor", "counsellor"),
    Page("contract page · DETU", "detu", "/contracts/show/{show_id}", SHOW),
    Page("API page 1 · counsellor", "counsellor", API_URL.format(page=0),
         [API_ROWS.format(offset=0), "SELECT COUNT(*) FROM contract"]),
    Page("API page 1000 · counsellor", "counsellor", API_URL.format(page=999),
         [API_ROWS.format(offset=49950), "SELECT COUNT(*) FROM contract"]),
    Page("student form · a student", "{student}", "/my/contract/", STUDENT_FORM),
    assignment_list("DETU assignments · referent", "detu_assignment", "detuassignmentview", "p.step_code",
                    "JOIN programme p ON p.id = a.programme_id"),
    assignment_list("teacher assignments · referent", "teacher_assignment", "teacherassignmentview",
                    "s.student_number", "JOIN student s ON s.id = a.student_id"),
    assignment_list("registrar assignments · referent", "registrar_assignment", "registrarassignmentview",
                    "f.label", "JOIN faculty f ON f.id = a.faculty_id"),
    # The students' list has no order of its own: FAB asks for the first 25 rows as they come.
    Page("students (reference data) · referent", "referent", "/studentview/list/",
         ["SELECT student_number FROM student LIMIT 25", "SELECT COUNT(*) FROM student"]),
    # Latest year first, as the page orders them.
    Page("registrations (reference data) · referent", "referent", "/registrationview/list/",
         ["SELECT s.student_number FROM registration r JOIN student s ON s.id = r.student_id "
          "ORDER BY r.year DESC, r.id DESC LIMIT 25", "SELECT COUNT(*) FROM registration"]),
]


def context(session):
    """Ids the pages need: the demo accounts', a contract the DETU signs, a student with a form."""
    users = dict(session.execute(sa.text(
        "SELECT username, id FROM ab_user WHERE username IN ('detu', 'counsellor', 'registrar', 'teacher', 'referent')")).all())
    year, diploma_types = session.execute(sa.text("SELECT current_year, diploma_types FROM settings WHERE id = 1")).one()
    show_id = session.scalar(sa.text(
        f"SELECT c.id FROM contract c WHERE {SCOPES['detu']} AND c.status = 'signed' AND c.year = :year "
        "AND EXISTS (SELECT 1 FROM contract_accommodation ca WHERE ca.contract_id = c.id) ORDER BY c.id LIMIT 1"),
        {"uid_detu": users["detu"], "year": year})
    student, student_uid = session.execute(sa.text(
        "SELECT u.username, u.id FROM contract c JOIN student s ON s.id = c.student_id JOIN ab_user u ON u.id = s.user_id "
        "WHERE c.year = :year AND c.status = 'draft' AND c.kind = 'initial' AND u.username LIKE 'e5%' "
        "AND EXISTS (SELECT 1 FROM contract_accommodation ca WHERE ca.contract_id = c.id) ORDER BY c.id LIMIT 1"),
        {"year": year}).one()
    values = {f"uid_{name}": uid for name, uid in users.items()}
    values.update(year=year, show_id=show_id, student=student, uid_student=student_uid,
                  # Quoted in the SQL as they are: codes of letters, digits and « _ » (DIPLOMA_TYPE_PATTERN).
                  diploma_types=", ".join(f"'{t.strip()}'" for t in diploma_types.split(",")
                                          if re.fullmatch(DIPLOMA_TYPE_PATTERN, t.strip())) or "NULL")
    for page in PAGES:
        if page.keyset:
            values.update(_cursor(session, values, *page.keyset))
    return values


def _cursor(session, values, user, page):
    """The key of the last row before ``page`` in the list's order, and the list's cursor for it."""
    from app.contracts.listing import _encode

    row = session.execute(sa.text(
        f"SELECT s.last_name, s.first_name, c.id FROM contract c JOIN student s ON s.id = c.student_id "
        f"WHERE {SCOPES[user]} AND c.year = :year ORDER BY s.last_name, s.first_name, c.id "
        f"LIMIT 1 OFFSET {(page - 1) * 50 - 1}"), _used_all(values)).one_or_none()
    if row is None:  # a small database (tests/bench): the list has no such page
        return {}
    return {f"cursor_{user}_{page}": _encode("student_name", list(row)), f"last_{user}_{page}": row[0],
            f"after_first_{user}_{page}": row[1], f"after_id_{user}_{page}": row[2]}


def _used_all(values):
    return {k: v for k, v in values.items() if k.startswith("uid_") or k == "year"}


def login(app, username):
    """A test client signed in through the login form, CSRF token included."""
    client = app.test_client()
    form = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"username": username, "password": "demo", "csrf_token": token.group(1) if token else ""}
    response = client.post("/login/", data=data)
    if response.status_code != 302:
        raise SystemExit(f"pages: the login of {username} failed ({response.status_code})")
    return client


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def run_raw(engine, statements, params):
    with engine.connect() as connection:
        first = None
        for sql in statements:
            rows = connection.execute(sa.text(sql), _used(sql, params)).all()
            first = rows if first is None else first
    return first


def _used(sql, params):
    return {k: v for k, v in params.items() if f":{k}" in sql}


WARM_UPS = 12


def prepared(page, ctx):
    """The page's user, its URL, its raw statements and their parameters, filled from ``context()``."""
    statements = [sql.format(**ctx) if "{" in sql else sql for sql in page.sql]
    params = dict(ctx, **page.params)
    if page.keyset:
        user, number = page.keyset
        params.update(after_last=ctx[f"last_{user}_{number}"], after_first=ctx[f"after_first_{user}_{number}"],
                      after_id=ctx[f"after_id_{user}_{number}"])
    return page.user.format(**ctx), page.url.format(**ctx), statements, params


def measure(app, engine, counter, page, ctx, repeat, clients):
    user, url, statements, params = prepared(page, ctx)
    if user not in clients:
        clients[user] = login(app, user)
    client = clients[user]
    app_times, raw_times = [], []
    # Warm-ups, as a running server is warm: caches, the first compile of each statement, and the
    # statements psycopg prepares from their fifth run on a connection (page and raw SQL alike;
    # PostgreSQL settles on a plan for a prepared statement after five more).
    for attempt in range(repeat + WARM_UPS):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data(as_text=True)
        app_times.append(time.perf_counter() - started)
        count = counter.count
        started = time.perf_counter()
        rows = run_raw(engine, statements, params)
        raw_times.append(time.perf_counter() - started)
    if response.status_code != 200:
        raise SystemExit(f"pages: {page.name}: {url} answered {response.status_code}")
    missing = [str(row[0]) for row in rows if str(row[0]) not in body]
    page_ms, raw_ms = statistics.median(app_times[WARM_UPS:]) * 1000, statistics.median(raw_times[WARM_UPS:]) * 1000
    return dict(name=page.name, url=url, page_ms=page_ms, raw_ms=raw_ms, ratio=page_ms / raw_ms,
                statements=count, raw_statements=len(statements), kb=len(body.encode()) / 1024,
                rows=len(rows), missing=missing)


def table(results, fixed_ms=None):
    """The results as a Markdown table. With ``fixed_ms`` (the FIXED_COST page's time in the same
    run), one more column: the ratio of what a page costs beyond any signed-in page to its raw SQL."""
    beyond = fixed_ms is not None
    lines = ["| page | app (ms) | raw SQL (ms) | ratio | SQL statements (raw) | HTML/JSON (KB) |"
             + (" ratio beyond the fixed cost |" if beyond else ""),
             "|---|---:|---:|---:|---:|---:|" + ("---:|" if beyond else "")]
    for r in results:
        flag = f" ⚠ {len(r['missing'])} of {r['rows']} rows not shown" if r["missing"] else ""
        line = (f"| {r['name']}{flag} | {r['page_ms']:.0f} | {r['raw_ms']:.1f} | {r['ratio']:.1f}× | "
                f"{r['statements']} ({r['raw_statements']}) | {r['kb']:.0f} |")
        if beyond:
            line += f" {max(r['page_ms'] - fixed_ms, 0) / r['raw_ms']:.1f}× |" if r["name"] != FIXED_COST else " |"
        lines.append(line)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--write", metavar="TITLE", help="write the table to docs/benchmarks.md under this title")
    args = parser.parse_args(argv)
    if not args.database_url:
        print("pages: give --database-url (or set BENCH_DATABASE_URL)", file=sys.stderr)
        return 2
    app = make_app(args.database_url)
    # As gunicorn.conf.py does in each worker: the loaded application is out of the collector's way.
    gc.collect()
    gc.freeze()
    with app.app_context():
        from app.extensions import db

        engine = db.engine
        counter = StatementCounter(engine)
        ctx = context(db.session)
        db.session.remove()
    results, clients = [], {}
    started_load = os.getloadavg()[0]
    for page in PAGES:
        if page.keyset and "cursor_{}_{}".format(*page.keyset) not in ctx:
            print(f"| {page.name}: skipped, the list has fewer pages |", flush=True)
        elif args.only in page.name:
            results.append(measure(app, engine, counter, page, ctx, args.repeat, clients))
            print(table([results[-1]])[-1], flush=True)
    contracts = _count(engine, "contract")
    fixed_ms = next((r["page_ms"] for r in results if r["name"] == FIXED_COST), None)
    lines = table(results, fixed_ms) + ["", machine_note(started_load, f"`bench/pages.py --repeat {args.repeat}`, "
                                              f"PostgreSQL, {contracts:,} contracts")]
    publish("Pages at scale", args.write, lines)
    return 1 if any(r["missing"] for r in results) else 0


def _count(engine, table_name):
    with engine.connect() as connection:
        return connection.scalar(sa.text(f"SELECT COUNT(*) FROM {table_name}"))


if __name__ == "__main__":
    sys.exit(main())
