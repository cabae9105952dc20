"""The same generated university, synced from Apogée then from Pégase into the same database, gives
the same students and registrations, with the same counts; what only one system gives differs and
nothing else."""
from sqlalchemy import select

from app.extensions import db
from app.people.models import Programme, Registration, Student
from app.sis.models import OK
from app.sis.sync import SyncOptions, run_sync
from simulators.apogee import generate
from tests.sis.pegase.harness import YEAR, ApogeeHarness, PegaseHarness

SIZE = 300  # enough for every programme of the demo database to have students
DEMO_PROGRAMMES = {"L1MATH", "L2MATH", "L3MATH", "L1LETM", "L2LETM", "L3LETM"}


def outcome(app, system):
    with app.app_context():
        sis = system.system()
        offered = {p.step_code for p in sis.programmes(YEAR, ["L"])}
        run = run_sync(SyncOptions(), sis=sis)
        rows = db.session.execute(
            select(Student.student_number, Student.ine, Student.last_name, Student.first_name, Student.birth_date,
                   Programme.step_code, Programme.label, Registration.is_primary,
                   Registration.is_cancelled, Registration.enrolment_count, Registration.is_repeating,
                   Registration.regime_code, Registration.regime_label, Registration.profile_code)
            .join(Registration, Registration.student_id == Student.id)
            .join(Programme, Registration.programme_id == Programme.id)
            .where(Registration.year == YEAR)
            .order_by(Student.student_number, Programme.step_code)
        ).all()
        emails = dict(db.session.execute(select(Student.student_number, Student.email)).all())
        extras = db.session.execute(
            select(Registration.oui_si_category, Registration.adjusted_path, Registration.arrangement_codes)
            .where(Registration.year == YEAR, Registration.is_cancelled.is_(False))
        ).all()
        db.session.remove()
    counts = (run.status, run.total, run.created, run.updated, run.unchanged, run.failed, run.cancelled)
    return offered, counts, [tuple(r) for r in rows], emails, extras


def test_the_same_university_from_both_systems(app, databases):
    apogee, pegase = ApogeeHarness(generate(SIZE, seed=3, year=YEAR)), PegaseHarness(generate(SIZE, seed=3, year=YEAR))
    try:
        offered_a, counts_a, rows_a, emails_a, extras_a = outcome(app, apogee)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.copy("template", app.test_database_name)  # the seeded demo database again
        offered_p, counts_p, rows_p, emails_p, extras_p = outcome(app, pegase)
    finally:
        apogee.stop()
        pegase.stop()
    assert DEMO_PROGRAMMES <= offered_a & offered_p
    assert counts_a[0] == OK and counts_a[2] > 200  # created
    assert counts_p == counts_a
    assert rows_p == rows_a
    assert_same_addresses(emails_a, emails_p)
    # What only one of them gives: Apogée the « oui si » category and the adjusted path, Pégase the
    # special arrangements (drawn for some of its students).
    assert given(extras_a) == (True, False)
    assert given(extras_p) == (False, True)


def assert_same_addresses(apogee, pegase):
    """The same addresses, except that Apogée has none for a student without an address file, while
    Pégase always has the institutional one."""
    missing = {n for n, e in apogee.items() if e is None}
    assert missing and all(pegase[n] for n in missing)
    assert without(pegase, missing) == without(apogee, missing)


def without(emails, numbers):
    return {n: e for n, e in emails.items() if n not in numbers}


def given(extras):
    """(any « oui si » category or adjusted path, any special arrangement) among the registrations."""
    return any(o or a for o, a, _ in extras), any(codes for _, _, codes in extras)
