"""Generate a large university in a fresh database, through the real migrations.

    .venv/bin/python bench/generate.py --contracts 200000 \\
        --database-url postgresql://conpere@127.0.0.1:55450/conpere_bench [--replace] [--seed 7]

1. Creates the database (``--replace`` drops it first if it holds anything), runs the Alembic
   migrations and loads the demo university with its accounts (``flask seed --demo``).
2. Adds a university of 60 programmes in 7 faculties whose students are followed over five years
   (``bench/university.py``), with exactly ``--contracts`` contracts on top of the demo's, in every
   status with their history, needs (health-related ones included), remediations, advance
   courses and comments (``bench/contract_rows.py``), an account for every student and the staff
   with their assignments (``bench/staff.py``). Rows go in with COPY on PostgreSQL.
3. Resets the id sequences and runs VACUUM ANALYZE, as a nightly maintenance would have.

The demo accounts (password ``demo``) keep working and get realistic scopes: see ``bench/staff.py``.
"""
import argparse
import os
import random
import sys
import time
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import make_url

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path[:0] = [BENCH, ROOT]

from bulk import BulkWriter, SchemaChanged  # noqa: E402
from contract_rows import Catalogue, ContractRows  # noqa: E402
from staff import build_staff  # noqa: E402
from university import FACULTIES, LICENCES, REGIMES, YEARS, ascii_slug, plan_university  # noqa: E402

ID_TABLES = ("faculty", "programme", "ab_user", "ab_user_role", "student", "registration", "contract",
             "contract_event", "contract_accommodation", "contract_remediation", "advance_course")


class Refused(Exception):
    """Bad arguments or a database we will not touch: one line for the user."""


def prepare_database(url, replace):
    """An empty database at ``url``: created if missing; emptied only with ``replace``."""
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _prepare_sqlite(url.database, replace)
    if url.get_backend_name() != "postgresql":
        raise Refused("the database URL must be postgresql://… (or sqlite:/// for a small test)")
    if url.database in (None, "", "postgres", "template0", "template1"):
        raise Refused("name a database of its own in the URL (…/conpere_bench), not the server's own")
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _recreate(conn, url.database, replace)
    except sa.exc.OperationalError as exc:
        raise Refused(f"cannot reach PostgreSQL at {url.render_as_string()}: {exc.orig}") from exc
    finally:
        admin.dispose()


def _prepare_sqlite(path, replace):
    if path and os.path.exists(path):
        if not replace:
            raise Refused(f"{path} exists: pass --replace to overwrite it")
        os.remove(path)


def _recreate(conn, name, replace):
    exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    if exists and not replace:
        raise Refused(f"database {name} exists: pass --replace to drop and recreate it")
    if exists:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))


def make_app(url):
    from app import create_app
    from config import ProductionConfig

    # Production's settings, measured on loopback without TLS (and on SQLite in the tests): the
    # start check that protects real users does not apply to a benchmark's database.
    return create_app(ProductionConfig, {
        "PRODUCTION": False, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key-long-enough-for-hmac",
        "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
    })


def _charter_version(html):
    """The charter is stored once (charter_version); the contracts that accepted it point at it."""
    from app.contracts.editing import charter_version
    from app.extensions import db

    version = charter_version(html).id
    db.session.commit()
    return version


def migrate_and_seed(app):
    """Alembic's migrations, then the demo; returns what the generated rows refer to."""
    from flask import current_app
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from app.catalog.models import Accommodation, Campaign, Remediation, Settings
    from app.extensions import db
    from app.people.models import Faculty
    from seeds.demo import DEMO_PASSWORD, load_demo

    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        load_demo()
        settings = db.session.get(Settings, 1)
        year = settings.current_year
        for y in range(year - YEARS + 1, year):  # the campaigns of the past years
            if db.session.scalar(sa.select(Campaign.id).where(Campaign.year == y)) is None:
                db.session.add(Campaign(year=y, opens_on=date(y, 9, 1), closes_on=date(y + 1, 6, 30)))
        db.session.commit()
        method = current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
        context = dict(
            year=year, institution=settings.institution_name, charter_html=settings.charter_html,
            charter_version_id=_charter_version(settings.charter_html),
            password=generate_password_hash(DEMO_PASSWORD, method=method),
            demo={u.username: u.id for u in db.session.scalars(sa.select(current_app.appbuilder.sm.user_model))},
            roles={r.name: r.id for r in db.session.scalars(sa.select(current_app.appbuilder.sm.role_model))},
            faculties={f.code: f.id for f in db.session.scalars(sa.select(Faculty))},
            accommodations={a.code: a.id for a in db.session.scalars(sa.select(Accommodation))},
            remediations=[(r.id, r.kind, r.hours) for r in db.session.scalars(sa.select(Remediation))],
            next_ids={t: (db.session.scalar(sa.text(f'SELECT MAX(id) FROM "{t}"')) or 0) + 1 for t in ID_TABLES},
        )
        db.session.remove()
    return context


def faculty_rows(context):
    """The faculties the demo lacks; every faculty's id by code."""
    ids = dict(context["faculties"])
    rows = []
    for code, label in FACULTIES:
        if code not in ids:
            ids[code] = context["next_ids"]["faculty"] + len(rows)
            rows.append(dict(id=ids[code], code=code, label=label, active=True))
    return rows, ids


def programme_rows(plan, faculty_ids):
    labels = {code: label for code, label, *_ in LICENCES}
    return [dict(id=p.id, step_code=p.step_code, step_version="101", label=f"Licence {p.level} {labels[p.licence]}",
                 diploma_code=f"L{p.licence}", diploma_version="101", diploma_type="L", level=p.level,
                 faculty_id=faculty_ids[p.faculty], active=True) for p in plan.programmes]


def registration_rows(plan, first_id, now):
    """Each enrolment's primary registration (and secondary one); the id of each (student, programme, year)."""
    rows, ids = [], {}
    for e in plan.enrolments:
        for programme, primary in ((e.programme, True), (e.second, False)):
            if programme is not None:
                ids[(e.student.id, programme.id, e.year)] = first_id + len(rows)
                rows.append(_registration(first_id + len(rows), e, programme, primary, now))
    return rows, ids


REGIME_LABELS = {code: label for code, label, _ in REGIMES}


def _registration(rid, e, programme, primary, now):
    row = dict(id=rid, student_id=e.student.id, programme_id=programme.id, year=e.year, is_primary=primary,
               profile_code=e.second_profile, regime_code=e.student.regime[0],
               regime_label=REGIME_LABELS[e.student.regime[0]], enrolment_count=1, is_repeating=False,
               oui_si_category=None, adjusted_path=None, is_cancelled=False, updated_at=now)
    if primary:
        adjusted = "Licence en quatre ans" if e.oui_si and "aménagé" in e.oui_si else None
        row.update(profile_code=None, enrolment_count=e.count, is_repeating=e.count > 1, oui_si_category=e.oui_si,
                   adjusted_path=adjusted, is_cancelled=e.cancelled)
    return row


def student_rows(plan, now):
    from app.people.names import search_key  # the accent-free key the list searches

    for s in plan.students:
        yield dict(id=s.id, student_number=s.number, ine=f"{1000000000 + s.id}{'ABCDEFGHJK'[s.id % 10]}",
                   last_name=s.last_name, first_name=s.first_name, birth_date=s.birth_date,
                   search_name=search_key(s.last_name, s.first_name, s.number),
                   email=f"{ascii_slug(s.first_name)}.{ascii_slug(s.last_name)}.{s.number}@etu.univ-demo.fr",
                   directory_login=None, user_id=s.user_id, synced_at=now)


def generate(url, contracts, seed=7, replace=False, out=print):
    started = time.perf_counter()
    prepare_database(url, replace)
    app = make_app(url)
    context = migrate_and_seed(app)
    out(f"migrated and seeded the demo in {time.perf_counter() - started:.1f} s")
    now = datetime.now().replace(microsecond=0)
    rng = random.Random(seed)
    ids = context["next_ids"]
    plan = plan_university(contracts, context["year"], seed, ids["student"], ids["programme"])
    faculties, faculty_ids = faculty_rows(context)
    programmes = programme_rows(plan, faculty_ids)
    registrations, registration_ids = registration_rows(plan, ids["registration"], now)
    staff = build_staff(rng, plan, ids["ab_user"], context["password"], context["demo"], faculty_ids, now)
    catalogue = Catalogue(context["accommodations"], context["remediations"], context["charter_html"],
                          context["institution"], staff.detus, staff.counsellors, now, context["charter_version_id"])
    rows = ContractRows(rng, catalogue, ids, registration_ids)
    out(f"planned {len(plan.students):,} students in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        from app.extensions import db

        with db.engine.begin() as connection:
            writer = BulkWriter(connection)
            writer.defer_reference_checks()
            writer.write("faculty", faculties)
            writer.write("programme", programmes)
            writer.write("ab_user", staff.users)
            writer.write("ab_user_role", (dict(id=ids["ab_user_role"] + i, user_id=u, role_id=context["roles"][r])
                                          for i, (u, r) in enumerate(staff.roles)))
            writer.write("student", student_rows(plan, now))
            writer.write("registration", registrations)
            writer.write("detu_assignment", staff.detu)
            writer.write("registrar_assignment", staff.registrar)
            writer.write("teacher_assignment", staff.teacher)
            writer.write("contract", rows.contracts(plan))
            writer.write("contract_accommodation", rows.needs)
            writer.write("contract_remediation", rows.remediations)
            writer.write("advance_course", rows.courses)
            writer.write("contract_event", rows.events)
            writer.check_references()
            writer.reset_sequences(ID_TABLES)
        out(f"wrote {sum(writer.counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
        if writer.postgresql:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))
        summary = scopes(db.session)
        db.session.remove()
        db.engine.dispose()
    out(f"done in {time.perf_counter() - started:.1f} s")
    return writer.counts, summary


def scopes(session):
    """How many contracts each demo account sees (what the benchmarks' pages show)."""
    sql = {
        "all": "SELECT COUNT(*) FROM contract",
        "detu": "SELECT COUNT(*) FROM contract WHERE programme_id IN (SELECT programme_id FROM detu_assignment "
                "a JOIN ab_user u ON u.id = a.user_id WHERE u.username = 'detu')",
        "registrar": "SELECT COUNT(*) FROM contract c JOIN programme p ON p.id = c.programme_id WHERE p.faculty_id IN "
                     "(SELECT faculty_id FROM registrar_assignment a JOIN ab_user u ON u.id = a.user_id "
                     "WHERE u.username = 'registrar')",
        "teacher": "SELECT COUNT(*) FROM contract WHERE student_id IN (SELECT student_id FROM teacher_assignment a "
                   "JOIN ab_user u ON u.id = a.user_id WHERE u.username = 'teacher')",
        "students": "SELECT COUNT(*) FROM student",
        "accounts": "SELECT COUNT(*) FROM ab_user",
    }
    return {name: session.scalar(sa.text(query)) for name, query in sql.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=200000, help="contracts added to the demo's (≥ 100)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="postgresql://…/NAME (created), or sqlite:///FILE; default $BENCH_DATABASE_URL")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    args = parser.parse_args(argv)
    try:
        if not args.database_url:
            raise Refused("give --database-url (or set BENCH_DATABASE_URL)")
        if args.contracts < 100:
            raise Refused("--contracts must be at least 100")
        counts, summary = generate(args.database_url, args.contracts, args.seed, args.replace)
    except (Refused, SchemaChanged) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    print(", ".join(f"{table} {count:,}" for table, count in counts.items()))
    print("contracts seen: " + ", ".join(f"{name} {count:,}" for name, count in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
