"""The large-university generator (bench/generate.py), on a small scale, and the pages harness on it.

What the benchmarks rely on: the exact number of contracts, rows the workflow could have written,
the demo accounts with scopes on the generated university, an application that works on it
(logins, pages, new rows after COPY's explicit ids), and raw SQL that shows the same rows as pages.
"""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench")
sys.path.insert(0, BENCH)

import generate  # noqa: E402
import pages  # noqa: E402

CONTRACTS = 1500


@pytest.fixture(scope="module")
def bench_db(databases):
    url = databases.url("bench_generate")
    databases.drop("bench_generate")
    counts, scopes = generate.generate(url, CONTRACTS, seed=3, replace=True, out=lambda line: None)
    engine = sa.create_engine(url)
    yield url, engine, counts, scopes
    engine.dispose()
    databases.drop("bench_generate")


def scalar(engine, sql, **params):
    with engine.connect() as connection:
        return connection.scalar(sa.text(sql), params)


def test_exactly_the_contracts_asked_for_on_top_of_the_demo(bench_db):
    url, engine, counts, scopes = bench_db
    assert counts["contract"] == CONTRACTS
    demo = scalar(engine, "SELECT COUNT(*) FROM contract WHERE student_id IN "
                          "(SELECT id FROM student WHERE student_number NOT LIKE '5%')")
    assert scopes["all"] == CONTRACTS + demo
    assert scalar(engine, "SELECT COUNT(DISTINCT year) FROM contract") == 5
    assert scalar(engine, "SELECT COUNT(*) FROM programme") == 66  # 60 generated, 6 demo


def test_rows_are_what_the_workflow_would_have_written(bench_db):
    _, engine, _, _ = bench_db
    broken = {
        "a contract without its registration": "SELECT COUNT(*) FROM contract c LEFT JOIN registration r ON "
        "r.id = c.registration_id WHERE r.id IS NULL OR r.student_id <> c.student_id OR r.year <> c.year "
        "OR r.programme_id <> c.programme_id",
        "a signed contract without signer, hash or signing event": "SELECT COUNT(*) FROM contract c WHERE "
        "c.status = 'signed' AND (c.signed_by_id IS NULL OR c.signed_hash IS NULL OR NOT EXISTS (SELECT 1 FROM "
        "contract_event e WHERE e.contract_id = c.id AND e.to_status = 'signed' AND e.actor_id = c.signed_by_id))",
        "a signer who is not a DETU of the programme": "SELECT COUNT(*) FROM contract c WHERE c.status = 'signed' "
        "AND c.signed_by_id NOT IN (SELECT user_id FROM detu_assignment d WHERE d.programme_id = c.programme_id)",
        "a draft with a submission": "SELECT COUNT(*) FROM contract WHERE status = 'draft' AND "
        "submitted_at IS NOT NULL",
        "a returned contract without its reason": "SELECT COUNT(*) FROM contract WHERE status = 'returned' "
        "AND returned_reason IS NULL",
        "a contract whose last event is not its status": "SELECT COUNT(*) FROM contract c WHERE c.status <> "
        "(SELECT e.to_status FROM contract_event e WHERE e.contract_id = c.id ORDER BY e.id DESC LIMIT 1)",
        "an event before the contract was created": "SELECT COUNT(*) FROM contract_event e JOIN contract c "
        "ON c.id = e.contract_id WHERE e.at < c.created_at",
        "a student without an account": "SELECT COUNT(*) FROM student WHERE user_id IS NULL",
    }
    assert {what: scalar(engine, sql) for what, sql in broken.items()} == {what: 0 for what in broken}


def test_the_university_has_what_pages_filter_on(bench_db):
    _, engine, _, _ = bench_db
    statuses = {row[0] for row in _rows(engine, "SELECT DISTINCT status FROM contract")}
    assert statuses == {"draft", "submitted", "returned", "signed"}
    assert scalar(engine, "SELECT COUNT(*) FROM contract_accommodation ca JOIN accommodation a "
                          "ON a.id = ca.accommodation_id WHERE a.health_related") > 0
    for table in ("contract_remediation", "advance_course", "teacher_assignment"):
        assert scalar(engine, f"SELECT COUNT(*) FROM {table}") > 0
    assert scalar(engine, "SELECT COUNT(*) FROM registration WHERE is_repeating") > 0


def _rows(engine, sql):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).all()


def test_demo_accounts_see_the_generated_university(bench_db):
    url, engine, _, scopes = bench_db
    demo_detu = 20  # the demo's own L1MATH and L2MATH contracts are far fewer than this
    assert scopes["detu"] > demo_detu and scopes["registrar"] > scopes["detu"]
    assert scalar(engine, "SELECT COUNT(*) FROM teacher_assignment a JOIN ab_user u ON u.id = a.user_id "
                          "WHERE u.username = 'teacher'") > 10  # the demo assigns 10 students
    app = pages.make_app(url)
    with app.app_context():
        from app import policy
        from app.extensions import db

        detu = app.appbuilder.sm.find_user(username="detu")
        with app.test_request_context():
            seen = db.session.scalar(sa.select(sa.func.count()).select_from(policy.contracts_query(detu).subquery()))
        assert seen == scopes["detu"]
        db.session.remove()
        db.engine.dispose()


def test_the_application_works_on_it(bench_db):
    url, engine, _, _ = bench_db
    app = pages.make_app(url)
    student = scalar(engine, "SELECT u.username FROM ab_user u JOIN student s ON s.user_id = u.id "
                             "JOIN contract c ON c.student_id = s.id WHERE c.status = 'draft' "
                             "AND c.year = (SELECT current_year FROM settings) AND u.username LIKE 'e5%' LIMIT 1")
    client = pages.login(app, student)  # the generated accounts' password is the demo's
    assert client.get("/my/contract/").status_code == 200
    detu = pages.login(app, "detu")
    assert detu.get("/contracts/list/?page=3").status_code == 200
    with app.app_context():  # ids continue after COPY's explicit ones
        from app.extensions import db
        from app.notify import outbox

        message = outbox.enqueue("test", "x@example.org", "s", "t", "<p>t</p>")
        db.session.commit()
        assert message.id is not None
        db.session.remove()
        db.engine.dispose()


def test_the_pages_harness_shows_the_raw_rows(bench_db, capsys):
    url, _, _, _ = bench_db
    # Exit 0 means every page answered 200 and showed every row its raw SQL returned.
    assert pages.main(["--database-url", url, "--repeat", "1"]) == 0
    assert "staff list, page 1 · DETU" in capsys.readouterr().out


def test_the_fab_floor_compares_bare_fab_with_the_fixed_cost_page(bench_db):
    url, engine, _, _ = bench_db
    # A process of its own: the bare application is a second AppBuilder, kept out of this one.
    done = subprocess.run([sys.executable, os.path.join(BENCH, "fab_floor.py"), "--database-url", url, "--repeat", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and "×" in line]
    assert [row.split(":")[0] for row in rows] == ["| bare Flask-AppBuilder", "| ConPeRe"]
    assert all(int(row.rstrip(" |").rsplit("|", 1)[1]) >= 1 for row in rows)  # statements were counted
    # Its schema (or file) is gone: the benchmark database is left as it was.
    if url.startswith("postgresql"):
        assert scalar(engine, "SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'bench_bare_fab'") == 0
    else:
        assert not os.path.exists(os.path.join(os.path.dirname(url.split("///", 1)[1]), "bench_bare_fab.db"))


def test_refusals_are_one_line(bench_db, tmp_path, capsys):
    url, _, _, _ = bench_db
    assert generate.main(["--contracts", "10", "--database-url", url]) == 2
    assert generate.main(["--contracts", "200", "--database-url", url]) == 2  # exists, no --replace
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("generate: ") for line in errors)
    assert "--replace" in errors[1]
