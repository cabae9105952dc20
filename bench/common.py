"""Shared by the benchmarks: a throwaway database with many synthetic contracts, the timing of a call,
and the writers of results into docs/benchmarks.md."""
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
sys.path.insert(0, ROOT)


def app_at(url):
    """The application, with the test settings, on the database at ``url``."""
    from app import create_app
    from config import TestConfig

    return create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})


def make_app(path):
    return app_at(f"sqlite:///{path}")


def median_seconds(run, repeat):
    """The median time of ``repeat`` calls of ``run``, after one warm-up call (caches, compiled statements)."""
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def build_database(path, contracts, demo=True):
    """A migrated database with the demo university and ``contracts`` more synthetic contracts."""
    from flask_migrate import upgrade

    if os.path.exists(path):
        os.remove(path)
    app = make_app(path)
    with app.app_context():
        upgrade(directory=os.path.join(ROOT, "migrations"))
        if demo:
            from seeds.demo import load_demo

            load_demo()
        add_synthetic_contracts(contracts)
    return app


def add_synthetic_contracts(count, seed=7):
    """``count`` contracts in every status, with needs, remediations and courses, by bulk INSERTs."""
    from sqlalchemy import insert, select

    from app.catalog.models import Accommodation, Remediation, Settings
    from app.contracts.models import AdvanceCourse, Contract, ContractAccommodation, ContractRemediation
    from app.extensions import db
    from app.people.models import Programme, Student

    rng = random.Random(seed)
    year = db.session.get(Settings, 1).current_year
    programmes = db.session.scalars(select(Programme.id)).all()
    accommodations = db.session.scalars(select(Accommodation.id)).all()
    remediations = db.session.scalars(select(Remediation.id)).all()
    first_student = (db.session.scalar(select(Student.id).order_by(Student.id.desc())) or 0) + 1
    from flask import current_app

    signer = current_app.appbuilder.sm.find_user(username="detu")
    first_contract = (db.session.scalar(select(Contract.id).order_by(Contract.id.desc())) or 0) + 1
    from app.contracts.editing import charter_version

    charter = charter_version("<p>Charte</p>").id  # stored once, like the application does
    now = datetime(year, 10, 1, 9, 30)
    batch = 2000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        students, contracts, needs, support, courses = [], [], [], [], []
        for i in range(start, start + size):
            sid, cid = first_student + i, first_contract + i
            students.append(dict(id=sid, student_number=f"9{i:08d}", ine=f"{i:09d}ZZ", last_name=f"Nom{i % 997}é",
                                 first_name=f"Prénom{i % 89}", email=f"s{i}@bench.example"))
            status = ("draft", "submitted", "returned", "signed")[i % 4]
            contracts.append(dict(
                id=cid, student_id=sid, programme_id=programmes[i % len(programmes)], year=year, kind="initial",
                status=status, version=3, study_plan="Projet de formation : devenir ingénieur. " * 3,
                needs_details="Horaires de travail le week-end." if i % 3 == 0 else "",
                gap_year="none", gap_year_details="", second_programme_label="", second_programme_level="",
                second_programme_institution="", second_programme_from_sis=False, pec_acknowledged=i % 2 == 0,
                charter_accepted=status != "draft", charter_accepted_at=now if status != "draft" else None,
                charter_version_id=charter if status != "draft" else None, support_hours=Decimal("10") if i % 2 else None,
                path_notes="Tutorat le mardi ; groupe de TD adapté." if i % 2 else "", comment="",
                created_at=now, updated_at=now + timedelta(days=2),
                submitted_at=now + timedelta(days=1) if status != "draft" else None,
                submitted_hash="a" * 64 if status != "draft" else None,
                signed_at=now + timedelta(days=2) if status == "signed" else None,
                signed_hash="b" * 64 if status == "signed" else None,
                signed_by_id=signer.id if status == "signed" and signer else None,
                returned_reason="Précisez votre projet." if status == "returned" else None,
            ))
            if i % 3 == 0:
                needs.append(dict(contract_id=cid, accommodation_id=rng.choice(accommodations), hours=Decimal("12")))
            if i % 2 == 0:
                support.append(dict(contract_id=cid, remediation_id=rng.choice(remediations), hours=Decimal("18")))
            if i % 5 == 0:
                courses.append(dict(contract_id=cid, code="L2MAT01", label="Analyse 2", ects=Decimal("6")))
        db.session.execute(insert(Student), students)
        db.session.execute(insert(Contract), contracts)
        for model, rows in ((ContractAccommodation, needs), (ContractRemediation, support), (AdvanceCourse, courses)):
            if rows:
                db.session.execute(insert(model), rows)
        db.session.commit()


def peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():
    """Linux: restart the peak-RSS counter (VmHWM), to measure one step's own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def rss_mb(field="VmRSS"):
    """Current (VmRSS) or peak since the last reset (VmHWM) resident memory, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def machine_note(load_at_start, what):
    """One line saying under what load the numbers were taken (the machine is shared)."""
    return (f"{what}; {os.cpu_count()} cores shared with other work, load average {load_at_start:.1f} at the "
            f"start and {os.getloadavg()[0]:.1f} at the end: compare ratios, not absolute times.")


def write_subsection(title, lines):
    """Replace (or add) "### title" inside the "## Documents" section of docs/benchmarks.md."""
    write_section("Documents", title, lines)


def _replace_block(text, marker, block, next_heading):
    """``text`` with the block from ``marker`` to the next ``next_heading`` replaced by ``block``;
    None when ``marker`` is not in ``text``."""
    if marker not in text:
        return None
    head, rest = text.split(marker, 1)
    end = rest.find(next_heading)
    tail = "" if end < 0 else rest[end + 1:]
    return head + block + ("\n" + tail if tail else "")


def _write_results(text):
    with open(os.path.join(ROOT, "docs", "benchmarks.md"), "w", encoding="utf-8") as out:
        out.write(text)


def replace_section(section, lines):
    """Replace (or add) the whole "## section" of docs/benchmarks.md with ``lines``."""
    text = open(os.path.join(ROOT, "docs", "benchmarks.md"), encoding="utf-8").read()
    heading = f"\n## {section}\n"
    block = heading + "\n" + "\n".join(lines).rstrip() + "\n"
    _write_results(_replace_block(text, heading, block, "\n## ") or text.rstrip() + "\n" + block)


def publish(section, title, lines):
    """Print the result lines; with a ``title`` (--write), put them in docs/benchmarks.md too."""
    print("\n".join(lines))
    if title:
        write_section(section, title, lines)


def write_section(section, title, lines):
    """Replace (or add) "### title" inside the "## section" section of docs/benchmarks.md."""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmarks\n"
    heading = f"## {section}"
    block = f"### {title}\n\n" + "\n".join(lines).rstrip() + "\n"
    if f"\n{heading}\n" not in text:
        text = text.rstrip() + f"\n\n{heading}\n"
    head, section_text = text.split(f"\n{heading}\n", 1)
    end = section_text.find("\n## ")
    section_text, tail = (section_text, "") if end < 0 else (section_text[:end + 1], section_text[end + 1:])
    section_text = _replace_block(section_text, f"### {title}\n", block, "\n### ") or (
        (section_text.rstrip() + "\n\n" if section_text.strip() else "\n") + block)
    _write_results(head + f"\n{heading}\n" + section_text.rstrip() + "\n" + ("\n" + tail if tail else ""))
