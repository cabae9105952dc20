"""The sync from each simulated system, Apogée and Pégase (over HTTP), into the demo database: one
suite, run against both (``tests/sis/pegase/harness.py``)."""
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.contracts import workflow
from app.contracts.models import INITIAL, SIGNED, Contract
from app.extensions import db
from app.people.models import Programme, Registration, Student, utcnow
from app.sis import sync as sync_module
from app.sis.models import FAILED, OK, PARTIAL, RUNNING, SyncError, SyncRun
from simulators.apogee.data import SimRegistration, SimStudent
from app.sis.sync import SyncOptions, SyncRefused, run_sync
from tests.sis.pegase import harness
from tests.sis.pegase.harness import YEAR


@pytest.fixture(scope="module", params=harness.KINDS)
def simulator(request):
    system = harness.start(request.param)
    yield system
    system.stop()


@pytest.fixture
def sim(simulator):
    """The module's system with a fresh generated university and nothing going wrong."""
    simulator.reset(harness.generated())
    return simulator


@pytest.fixture
def demo_sim(simulator):
    simulator.reset(harness.demo())
    return simulator


def make_sis(sim, **overrides):
    return sim.system(**overrides)


def sync(app, sim, **options):
    with app.app_context():
        run = run_sync(SyncOptions(**options), sis=make_sis(sim))
        db.session.remove()
    return run


def new_student(number, step, **registration):
    return SimStudent(
        number=number, ine=f"{number}XY", last_name="NOUVEAU", first_name="Nina", birth_date=date(2006, 5, 4),
        email=f"n{number}@mail.example", directory_email=f"nina.{number}@etu.example", directory_login=f"n{number}",
        registrations=[SimRegistration(YEAR, step, "101", **registration)],
    )


def snapshot(app):
    """Every student and registration as plain tuples."""
    with app.app_context():
        rows = db.session.execute(
            select(Student.student_number, Student.last_name, Student.email, Student.directory_login,
                   Programme.step_code, Registration.year, Registration.is_primary, Registration.is_cancelled,
                   Registration.enrolment_count, Registration.regime_code, Registration.updated_at)
            .join(Registration, Registration.student_id == Student.id)
            .join(Programme, Registration.programme_id == Programme.id)
            .order_by(Student.student_number, Programme.step_code, Registration.year)
        ).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def registration(number, step, year=YEAR):
    return db.session.scalar(
        select(Registration).join(Student).join(Programme)
        .where(Student.student_number == number, Programme.step_code == step, Registration.year == year)
    )


def demo_number(index):
    return f"2{YEAR % 100:02d}{index + 1:05d}"


# --- creates, then changes nothing -------------------------------------------------------------


def test_the_demo_university_from_the_system_matches_the_demo_database(app, demo_sim):
    before = snapshot(app)
    run = sync(app, demo_sim)
    assert (run.status, run.total, run.unchanged, run.created, run.updated) == (OK, 60, 60, 0, 0)
    assert run.summary.startswith("No change")
    assert snapshot(app) == before


def test_first_run_creates_second_run_changes_nothing_and_says_so(app, demo_sim):
    demo_sim.dataset.add_student(new_student("31000001", "L1MATH", enrolments=2, regime_code="2",
                                             regime_label="Formation continue", oui_si=("OS1", "Oui si – méthodo"),
                                             adjusted=("CAS", "Cursus aménagé sportif"), profile=("SHN", "Sportif")))
    demo_sim.dataset.add_student(new_student("31000002", "L2LETM"))
    first = sync(app, demo_sim)
    assert (first.status, first.created, first.updated, first.unchanged, first.failed) == (OK, 2, 0, 60, 0)
    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.student_number == "31000001"))
        assert (student.last_name, student.first_name, student.ine, student.birth_date) == (
            "NOUVEAU", "Nina", "31000001XY", date(2006, 5, 4))
        login = "n31000001" if demo_sim.gives_directory_login else None  # Pégase does not know it
        assert (student.email, student.directory_login) == ("nina.31000001@etu.example", login)
        reg = student.primary_registration(YEAR)
        assert (reg.programme.step_code, reg.is_primary, reg.is_cancelled) == ("L1MATH", True, False)
        assert (reg.enrolment_count, reg.is_repeating, reg.regime_code, reg.regime_label) == (
            2, True, "2", "Formation continue")
        if demo_sim.gives_oui_si:
            assert (reg.profile_code, reg.oui_si_category, reg.adjusted_path) == (
                "SHN", "Oui si – méthodo", "Cursus aménagé sportif")
        else:  # Pégase has neither: nothing is invented
            assert (reg.profile_code, reg.oui_si_category, reg.adjusted_path) == ("SHN", None, None)
        db.session.remove()
    after_first = snapshot(app)
    second = sync(app, demo_sim)
    assert (second.status, second.created, second.updated, second.unchanged) == (OK, 0, 0, 62)
    assert second.summary == "No change: 62 students checked, all already up to date."
    assert snapshot(app) == after_first  # not even a timestamp moved


def test_a_generated_university_of_several_diploma_types(app, sim):
    run = sync(app, sim)
    assert run.status == OK and run.created > 0
    with app.app_context():
        types = set(db.session.scalars(select(Programme.diploma_type).where(Programme.step_code.like("M%"))))
        assert not (types & {"M"})  # masters are not a configured diploma type: not imported from the offer
        created = db.session.scalars(select(Student).where(Student.student_number.like("3%"))).all()
        listed = {n for n in sim.dataset.all_numbers()
                  if any(r.year == YEAR and sim.dataset.programmes[r.key].diploma_type == "L" and r.state == "E"
                         for r in sim.dataset.student(n).registrations)}
        assert {s.student_number for s in created} == listed
        # The demo students are unknown to this system: their registrations in its offer are cancelled,
        # kept (Pégase's offer is the programmes its registrations point at: maybe not all of them).
        offered = {p.key for p in make_sis(sim).programmes(YEAR, ["L"])}
        demo = db.session.scalars(select(Registration).join(Student).where(
            Student.student_number.like("2%"), Registration.year == YEAR)).all()
        demo = [r for r in demo if (r.programme.step_code, r.programme.step_version) in offered]
        assert demo and all(r.is_cancelled for r in demo)
        db.session.remove()
    assert sync(app, sim).summary.startswith("No change")


def test_every_registration_attribute_as_apogee_holds_it(app):
    """The sync of a generated university stores the same registrations, counted per profile,
    régime, repeating, « oui si » and cursus aménagé, as the simulated Apogée holds."""
    from collections import Counter

    from app.catalog.models import Settings
    from simulators.apogee import generate

    with app.app_context():
        db.session.get(Settings, 1).diploma_types = "L,LP,M,DU"  # every generated programme
        db.session.commit()
        db.session.remove()
    simulator = harness.ApogeeHarness(generate(400, seed=11, year=YEAR))
    try:
        run = sync(app, simulator)
    finally:
        simulator.stop()
    assert run.status == OK and run.failed == 0
    dataset = simulator.dataset
    expected = Counter(
        (number, r.step_code, r.primary, r.profile[0] if r.profile else None, r.regime_code, r.enrolments > 1,
         r.oui_si[1] if r.oui_si else None, r.adjusted[1] if r.adjusted else None)
        for number in dataset.all_numbers() for r in dataset.student(number).registrations
        if r.year == YEAR and r.state == "E" and r.annual_state == "E"
    )
    with app.app_context():
        stored = Counter(tuple(row) for row in db.session.execute(
            select(Student.student_number, Programme.step_code, Registration.is_primary, Registration.profile_code,
                   Registration.regime_code, Registration.is_repeating, Registration.oui_si_category,
                   Registration.adjusted_path)
            .join(Registration, Registration.student_id == Student.id)
            .join(Programme, Registration.programme_id == Programme.id)
            .where(Student.student_number.like("3%"), Registration.year == YEAR, Registration.is_cancelled.is_(False))
        ))
        db.session.remove()
    assert stored == expected
    for position in (3, 4, 5, 6, 7):  # each attribute takes several values in this university
        assert len({key[position] for key in expected}) >= 2, position


# --- changes -----------------------------------------------------------------------------------


def test_changed_data_updates(app, demo_sim):
    number = demo_number(12)
    student = demo_sim.dataset.edit(number)
    student.email = "nouvelle.adresse@etu.demo.univ.fr"
    student.registrations = [replace(r, enrolments=3, regime_code="2", regime_label="Formation continue")
                             if r.year == YEAR else r for r in student.registrations]
    run = sync(app, demo_sim)
    assert (run.status, run.updated, run.unchanged) == (OK, 1, 59)
    with app.app_context():
        reg = registration(number, "L2MATH")
        assert reg.student.email == "nouvelle.adresse@etu.demo.univ.fr"
        assert (reg.enrolment_count, reg.is_repeating, reg.regime_code) == (3, True, "2")
        db.session.remove()


def test_a_cancelled_registration_is_marked_cancelled_never_deleted(app, demo_sim, today):
    number = demo_number(0)  # `student`: a draft contract on L1MATH
    with app.app_context():
        contracts = db.session.scalar(select(func.count(Contract.id)))
        registrations = db.session.scalar(select(func.count(Registration.id)))
        db.session.remove()
    demo_sim.dataset.cancel(number, "L1MATH", YEAR)
    gone = demo_number(1)  # `student2`: the double inscription vanishes from the system altogether
    demo_sim.dataset.edit(gone).registrations = [
        r for r in demo_sim.dataset.edit(gone).registrations if r.step_code != "L1LETM"
    ]
    run = sync(app, demo_sim)
    assert (run.status, run.cancelled) == (OK, 2)
    with app.app_context():
        assert registration(number, "L1MATH").is_cancelled
        assert registration(gone, "L1LETM").is_cancelled
        assert not registration(gone, "L1MATH").is_cancelled
        assert db.session.scalar(select(func.count(Contract.id))) == contracts
        assert db.session.scalar(select(func.count(Registration.id))) == registrations
        db.session.remove()


# --- failures ----------------------------------------------------------------------------------


def test_partial_failure_others_synced_nothing_lost(app, demo_sim):
    failing = [demo_number(i) for i in (3, 25, 41)]
    for index in range(60):
        demo_sim.dataset.edit(demo_number(index)).email = f"maj{index}@etu.demo.univ.fr"
    for number in failing:
        demo_sim.fail_student(number)
    run = sync(app, demo_sim)
    assert (run.status, run.failed, run.updated) == (PARTIAL, 3, 57)
    assert demo_sim.transient_code in run.summary
    with app.app_context():
        errors = db.session.scalars(select(SyncError).where(SyncError.run_id == run.id)).all()
        assert sorted(e.student_number for e in errors) == sorted(failing)
        assert {e.code for e in errors} == {demo_sim.transient_code}
        for number in failing:  # as before, registrations included
            student = db.session.scalar(select(Student).where(Student.student_number == number))
            assert student.email.startswith("etudiant")
            assert student.registrations_for(YEAR) and not any(r.is_cancelled for r in student.registrations)
        ok = db.session.scalar(select(Student).where(Student.student_number == demo_number(4)))
        assert ok.email == "maj4@etu.demo.univ.fr"
        db.session.remove()
    demo_sim.clear_failures()
    retry = sync(app, demo_sim)
    assert (retry.status, retry.updated) == (OK, 3)


def test_random_faults_and_hangs_at_a_rate(app, demo_sim):
    # hangs well past the timeout: a hang always fails, a slow answer never
    demo_sim.misbehave(fault_rate=0.2, timeout_rate=0.05, hang_seconds=6.0)
    with app.app_context():
        run = run_sync(SyncOptions(), sis=make_sis(demo_sim, read_timeout=2.0, retries=0))
        db.session.remove()
    assert run.status == PARTIAL and 0 < run.failed < 60
    assert run.failed + run.unchanged == 60


def test_a_run_dying_midway_leaves_previous_data_intact(app, demo_sim, monkeypatch):
    for index in range(60):
        demo_sim.dataset.edit(demo_number(index)).email = f"maj{index}@etu.demo.univ.fr"
    before = snapshot(app)
    app.config.update(SYNC_BATCH_SIZE=10, SYNC_BATCH_SECONDS=600, SYNC_IDLE_COMMIT_SECONDS=600)
    calls = {"n": 0}
    real = sync_module.apply_student

    def dies_at_the_25th(ctx, snap):
        calls["n"] += 1
        if calls["n"] == 25:
            raise KeyboardInterrupt
        return real(ctx, snap)

    monkeypatch.setattr(sync_module, "apply_student", dies_at_the_25th)
    try:
        with app.app_context(), pytest.raises(KeyboardInterrupt):
            run_sync(SyncOptions(), sis=make_sis(demo_sim))
    finally:
        app.config.update(SYNC_BATCH_SIZE=200, SYNC_BATCH_SECONDS=2.0, SYNC_IDLE_COMMIT_SECONDS=0.5)
    with app.app_context():
        students = db.session.scalars(select(Student).order_by(Student.student_number)).all()
        updated = [s for s in students if s.email.startswith("maj")]
        assert len(updated) == 20  # two batches of ten were committed
        for s in students:  # each one fully old or fully new; no registration lost or cancelled
            assert s.email.startswith(("maj", "etudiant"))
            assert not any(r.is_cancelled for r in s.registrations)
        run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
        assert (run.status, run.reason) == (FAILED, "Interrupted.")
        db.session.remove()
    assert len(snapshot(app)) == len(before)
    monkeypatch.setattr(sync_module, "apply_student", real)
    assert sync(app, demo_sim).updated == 40  # the next run finishes the work


def test_a_run_whose_process_vanished_is_marked_failed_by_the_next(app, demo_sim):
    with app.app_context():
        db.session.add(SyncRun(year=YEAR, status=RUNNING, heartbeat_at=utcnow() - timedelta(hours=2), summary=""))
        db.session.commit()
        db.session.remove()
    assert sync(app, demo_sim).status == OK
    with app.app_context():
        stale = db.session.scalars(select(SyncRun).order_by(SyncRun.id)).first()
        assert stale.status == FAILED and stale.reason.startswith("Interrupted")
        db.session.remove()


def test_two_runs_never_overlap(app, demo_sim):
    with app.app_context():
        db.session.add(SyncRun(year=YEAR, status=RUNNING, heartbeat_at=utcnow(), summary=""))
        db.session.commit()
        db.session.remove()
        with pytest.raises(SyncRefused, match="already running"):
            run_sync(SyncOptions(), sis=make_sis(demo_sim))


def test_every_student_failing_fails_the_run(app, demo_sim):
    demo_sim.fail_every_student()
    run = sync(app, demo_sim)
    assert run.status == FAILED and run.failed == 60
    assert "Every student failed" in run.reason


def test_no_diploma_type_configured(app, demo_sim):
    with app.app_context():
        from app.catalog.models import Settings

        db.session.get(Settings, 1).diploma_types = ""
        db.session.commit()
        db.session.remove()
    run = sync(app, demo_sim)
    assert run.status == FAILED and "No diploma type" in run.reason


# --- options -----------------------------------------------------------------------------------


def test_dry_run_saves_nothing(app, demo_sim):
    before = snapshot(app)
    demo_sim.dataset.edit(demo_number(5)).email = "autre@etu.demo.univ.fr"
    demo_sim.dataset.add_student(new_student("31000009", "L1MATH"))
    run = sync(app, demo_sim, dry_run=True)
    assert (run.status, run.created, run.updated, run.dry_run) == (OK, 1, 1, True)
    assert run.summary.startswith("Dry run, nothing saved.")
    assert snapshot(app) == before


def test_one_programme_only(app, demo_sim):
    demo_sim.dataset.edit(demo_number(5)).email = "autre@etu.demo.univ.fr"  # L1MATH
    demo_sim.dataset.edit(demo_number(15)).email = "autre2@etu.demo.univ.fr"  # L2MATH
    run = sync(app, demo_sim, programme="L1MATH-101")
    assert (run.status, run.total, run.updated) == (OK, 10, 1)
    unknown = sync(app, demo_sim, programme="L9XXX")
    assert unknown.status == FAILED and "L9XXX is not in" in unknown.reason


# --- double inscription -----------------------------------------------------------------------


def test_double_inscription_follows_apogee_until_signed(app, demo_sim, users):
    number = demo_number(1)  # `student2`: L1MATH + L1LETM, no contract yet
    student = db.session.scalar(select(Student).where(Student.student_number == number))
    contract = workflow.start_contract(student, YEAR, INITIAL, users["student2"])
    assert contract.second_programme_from_sis and contract.second_programme_label == "Licence 1 Lettres modernes"
    contract_id = contract.id
    db.session.remove()

    demo_sim.dataset.cancel(number, "L1LETM", YEAR)
    run = sync(app, demo_sim)
    assert run.contracts_updated == 1
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assert (contract.second_programme_label, contract.second_programme_from_sis) == ("", False)
        db.session.remove()

    demo_sim.dataset.edit(number).registrations.append(SimRegistration(YEAR, "L2LETM", "101", primary=False))
    sync(app, demo_sim)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assert contract.second_programme_from_sis
        assert (contract.second_programme_label, contract.second_programme_level) == ("Licence 2 Lettres modernes", "L2")
        db.session.remove()


def test_signed_contracts_and_what_students_typed_are_never_changed(app, demo_sim):
    with app.app_context():
        signed = db.session.scalars(select(Contract).where(Contract.status == SIGNED, Contract.year == YEAR)).first()
        typed = db.session.scalars(select(Contract).where(Contract.status != SIGNED, Contract.year == YEAR,
                                                          Contract.second_programme_from_sis.is_(False))).first()
        typed.second_programme_label = "DU Japonais (université voisine)"
        db.session.commit()
        ids = {signed.id: signed.student.student_number, typed.id: typed.student.student_number}
        versions = {signed.id: signed.version}
        db.session.remove()
    for number in ids.values():
        demo_sim.dataset.edit(number).registrations.append(SimRegistration(YEAR, "L3LETM", "101", primary=False))
    run = sync(app, demo_sim)
    assert run.status == OK and run.contracts_updated == 0
    with app.app_context():
        for contract_id in ids:
            contract = db.session.get(Contract, contract_id)
            assert not contract.second_programme_from_sis
        signed_now = db.session.get(Contract, list(versions)[0])
        assert signed_now.version == versions[signed_now.id] and signed_now.second_programme_label == ""
        assert db.session.get(Contract, list(ids)[1]).second_programme_label == "DU Japonais (université voisine)"
        db.session.remove()
