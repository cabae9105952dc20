"""The API's list at depth, on PostgreSQL with 200,000 contracts, against raw SQL of the same rows.

    .venv/bin/python bench/generate.py --contracts 200000 --database-url postgresql://…/conpere_bench
    .venv/bin/python bench/api.py --database-url postgresql://…/conpere_bench [--write]

On a database made by ``bench/generate.py`` (migrated to this code's head first). *API* is the
whole request in process (authentication, policy, the list's query and its count when asked,
JSON); *raw* is the same rows' SELECT written by hand, run on the same connection pool and
fetched. Median of --repeat runs; statements counted per request.
"""
import argparse
import os

import sqlalchemy as sa

from common import ROOT, app_at, median_seconds, replace_section

PAGE = 100
RAW = """
SELECT c.id, c.year, c.kind, c.status, c.version, c.created_at, c.updated_at, c.submitted_at, c.signed_at,
       s.student_number, s.last_name, s.first_name, p.step_code, p.step_version, p.label, p.level, f.code, f.label
FROM contract c JOIN student s ON s.id = c.student_id JOIN programme p ON p.id = c.programme_id
JOIN faculty f ON f.id = p.faculty_id
WHERE {scope} AND c.id > :after ORDER BY c.id {page}
"""


def database(url):
    from flask_migrate import upgrade

    app = app_at(url)
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
    return app


class Counter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def run(app, repeat):
    from app.extensions import db

    client = app.test_client()
    rows = []
    with app.app_context():
        engine = db.engine
        counter = Counter(engine)
        scopes = {"admin": "TRUE", "detu": (
            "c.programme_id IN (SELECT programme_id FROM detu_assignment d JOIN ab_user u ON u.id = d.user_id "
            "WHERE u.username = 'detu')")}
        for username, scope in scopes.items():
            token = client.post("/api/v1/security/login", json={"username": username, "password": "demo",
                                                                "provider": "db"}).json["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            with engine.connect() as conn:
                ids = conn.scalars(sa.text(f"SELECT c.id FROM contract c WHERE {scope} ORDER BY c.id")).all()
            deep = min(999, len(ids) // PAGE - 1)
            after = ids[deep * PAGE - 1]
            cases = [
                ("page 1 (with count)", "(page_size:100)", 0, f"LIMIT {PAGE + 1}", True),
                (f"page {deep + 1}, read forward by id", f"(after_id:{after},page_size:100)", after, f"LIMIT {PAGE + 1}", False),
                (f"page {deep + 1}, offset", f"(page:{deep},page_size:100)", 0, f"LIMIT {PAGE + 1} OFFSET {deep * PAGE}", True),
            ]
            for label, q, raw_after, page, counted in cases:
                def api():
                    response = client.get("/api/v1/contracts/", query_string={"q": q}, headers=headers)
                    assert response.status_code == 200, response.get_data(as_text=True)

                raw_sql = sa.text(RAW.format(scope=scope, page=page))
                count_sql = sa.text(f"SELECT count(*) FROM contract c WHERE {scope}")

                def raw():
                    with engine.connect() as conn:
                        conn.execute(raw_sql, {"after": raw_after}).all()
                        if counted:
                            conn.scalar(count_sql)

                ours = median_seconds(api, repeat)
                counter.count = 0
                api()
                statements = counter.count
                baseline = median_seconds(raw, repeat)
                rows.append((username, len(ids), label, ours, baseline, statements))
                print(f"{username:6} {label:32} {ours * 1000:7.1f} ms  raw {baseline * 1000:6.1f} ms  "
                      f"×{ours / baseline:5.1f}  {statements} statements")
    return rows


def write(rows, contracts):
    lines = [
        f"`bench/api.py` (run: `.venv/bin/python bench/api.py --database-url postgresql://…`): PostgreSQL,",
        f"{contracts:,} contracts (`bench/generate.py`), pages of {PAGE}, in process (Flask",
        "test client, JWT). *Raw* is the same rows' SELECT written by hand (plus the COUNT when the",
        "answer carries one) on the same pool. Median of the runs; the machine's 2 cores are shared.",
        "",
        "| Caller (contracts visible) | Page | API | Raw SQL | Ratio | Statements |",
        "|---|---|---|---|---|---|",
    ]
    for username, visible, label, ours, raw, statements in rows:
        lines.append(f"| {username} ({visible:,}) | {label} | {ours * 1000:.0f} ms | {raw * 1000:.1f} ms | "
                     f"{ours / raw:.1f} | {statements} |")
    lines += ["", "Reading forward by id costs the same at page 1,000 as at page 1; an offset page grows with",
              "its depth (PostgreSQL walks every row before it), which is why docs/api.md tells pulls to use",
              "`after_id`."]
    replace_section("API list at depth", lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database made by bench/generate.py")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    app = database(args.database_url)
    rows = run(app, args.repeat)
    if args.write:
        with app.app_context():
            from app.extensions import db

            write(rows, db.session.scalar(sa.text("SELECT count(*) FROM contract")))


if __name__ == "__main__":
    main()
