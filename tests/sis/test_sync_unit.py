"""The sync against an in-memory system (tests/sis/fake.py): retries of the steps the run depends on,
one hung student, the heartbeat, dead runs, requested runs. Fast: no HTTP, no XML."""
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.people.models import Student, utcnow
from app.sis.interface import FacultyRecord, SisBadAnswer, SisFault, SisUnavailable, StudentContact
from app.sis.models import FAILED, OK, PARTIAL, REQUESTED, RUNNING, SyncError, SyncRun
from app.sis.runs import claim_requested, request_run
from app.sis.sync import SyncOptions, SyncRefused, run_requested, run_sync
from tests.sis.conftest import YEAR
from tests.sis.fake import FakeSis, programme, student

APP_CONFIG = {"SYNC_STEP_BACKOFF": 0.01, "SYNC_STEP_RETRIES": 3}
L1TEST, L2TEST = programme("L1TEST"), programme("L2TEST")
OFFLINE = "technical.data.transaction.connexion"


@pytest.fixture
def fake():
    return FakeSis(
        faculties=[FacultyRecord("SCI", "UFR Sciences")], offer=[L1TEST, L2TEST],
        students=[student(f"4000000{i}", L1TEST if i % 2 else L2TEST, year=YEAR) for i in range(6)],
    )


def sync(app, fake, **options):
    with app.app_context():
        run = run_sync(SyncOptions(**options), sis=fake, app=app)
        db.session.remove()
    return run


def stored(app, model, *where):
    with app.app_context():
        rows = db.session.scalars(select(model).where(*where)).all()
        db.session.expunge_all()
        db.session.remove()
        return rows


def offline(what="OffreFormationMetier.recupererSE_v4"):
    return SisFault(f"{OFFLINE} — Apogée offline", code=OFFLINE, operation=what, transient=True)


def test_students_come_from_the_seam(app, fake):
    run = sync(app, fake)
    assert (run.status, run.total, run.created) == (OK, 6, 6)
    assert {s.student_number for s in stored(app, Student, Student.student_number.like("4%"))} == set(fake.snapshots)
    assert sync(app, fake).summary.startswith("No change: 6 students checked")


@pytest.mark.parametrize("step", ["faculties", "programmes", "students_of"])
def test_a_transient_failure_of_a_step_the_run_depends_on_is_retried(app, fake, step):
    fake.fail(step, offline(), SisUnavailable("timeout", code="timeout", transient=True))
    run = sync(app, fake)
    assert (run.status, run.total, run.created) == (OK, 6, 6)
    assert fake.calls[step] == 3 + (1 if step == "students_of" else 0)  # two failures, then each answer


def test_a_lasting_failure_of_the_offer_fails_the_run_with_its_reason(app, fake):
    fake.fail("programmes", *[offline() for _ in range(5)])
    run = sync(app, fake)
    assert run.status == FAILED and OFFLINE in run.reason
    assert fake.calls["programmes"] == 4  # the first call and three retries


def test_a_failure_that_will_not_pass_is_not_retried(app, fake):
    fake.fail("programmes", SisFault("refused", code="technical.security.invaliduser.user"))
    run = sync(app, fake)
    assert run.status == FAILED and "refused" in run.reason and fake.calls["programmes"] == 1


def test_a_list_that_fails_for_good_is_recorded_and_the_others_go_on(app, fake):
    fake.fail("L1TEST", *[offline("EtudiantMetier.recupererListeEtudiants") for _ in range(4)])
    run = sync(app, fake)
    assert (run.status, run.total, run.created) == (PARTIAL, 3, 3)  # L2TEST's students
    (error,) = stored(app, SyncError, SyncError.run_id == run.id)
    assert (error.student_number, error.code) == (None, OFFLINE) and error.message.startswith("L1TEST-101: ")


def test_each_student_failure_is_recorded_with_its_code_and_operation(app, fake):
    fake.fail("40000003", SisBadAnswer("Apogée's answer to EtudiantMetier.recupererInfosAdmEtu_v4 cannot be read",
                                       code="bad-answer", operation="EtudiantMetier.recupererInfosAdmEtu_v4"))
    run = sync(app, fake)
    assert (run.status, run.failed, run.created) == (PARTIAL, 1, 5)
    (error,) = stored(app, SyncError, SyncError.run_id == run.id)
    assert (error.student_number, error.code) == ("40000003", "bad-answer")
    assert "EtudiantMetier.recupererInfosAdmEtu_v4" in error.message


def test_students_the_database_refuses_fail_alone_their_group_is_written(app, fake):
    """Students are written a group at a time: a student whose data fails (in our code or in the
    database, at the flush) is written again alone and fails alone; the others of the group are
    written, each fully."""
    assert sync(app, fake).created == 6
    fake.snapshots["40000001"] = replace(fake.snapshots["40000001"], contact=StudentContact("new@etu.example", None))
    no_code = replace(L1TEST, step_code=None)  # refused by the database (NOT NULL) at the flush
    fake.snapshots["40000002"] = student("40000002", no_code, year=YEAR)
    fake.snapshots["40000004"] = student("40000004", L2TEST, year=YEAR, arrangements=None)  # fails in our code
    run = sync(app, fake)
    assert (run.status, run.updated, run.failed, run.unchanged) == (PARTIAL, 1, 2, 3)
    assert {e.student_number for e in stored(app, SyncError, SyncError.run_id == run.id)} == {"40000002", "40000004"}
    (changed,) = stored(app, Student, Student.student_number == "40000001")
    assert changed.email == "new@etu.example"
    assert {s.student_number for s in stored(app, Student, Student.student_number.like("4%"))} == set(fake.snapshots)


def test_one_hung_student_delays_only_themself(app, fake):
    hung = "40000000"
    fake.hangs[hung] = release = threading.Event()
    seen_before_release = []

    def on_progress(done, total):
        if done == total - 1:  # every other student is done while the hung one still waits
            seen_before_release.append(not release.is_set())
            release.set()

    with app.app_context():
        run = run_sync(SyncOptions(), sis=fake, on_progress=on_progress, app=app)
        db.session.remove()
    assert seen_before_release == [True]
    assert (run.status, run.created) == (OK, 6)


def test_the_heartbeat_goes_on_while_the_run_waits(app, fake):
    app.config.update(SYNC_HEARTBEAT_SECONDS=0.05)
    release = threading.Event()
    fake.hangs = dict.fromkeys(fake.snapshots, release)  # every call waits: no checkpoint meanwhile
    outcome = {}

    def run():
        with app.app_context():
            outcome["run"] = run_sync(SyncOptions(), sis=fake, app=app)
            db.session.remove()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert fake.started["40000002"].wait(30)
        beats = set()
        for _ in range(200):  # until two different heartbeats are seen
            (running,) = stored(app, SyncRun, SyncRun.status == RUNNING)
            beats.add(running.heartbeat_at)
            if len(beats) > 1:
                break
            release.wait(0.05)
        assert len(beats) > 1
    finally:
        release.set()
        worker.join(60)
        app.config.update(SYNC_HEARTBEAT_SECONDS=10)
    assert outcome["run"].status == OK


def add_run(app, **values):
    with app.app_context():
        run = SyncRun(year=YEAR, summary="", **values)
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        db.session.remove()
    return run_id


def test_a_silent_run_is_dead_after_a_minute_a_beating_one_is_alive(app, fake):
    alive = add_run(app, status=RUNNING, heartbeat_at=utcnow() - timedelta(seconds=30))
    with app.app_context(), pytest.raises(SyncRefused, match=f"Sync #{alive} is already running"):
        run_sync(SyncOptions(), sis=fake, app=app)
    with app.app_context():
        db.session.get(SyncRun, alive).heartbeat_at = utcnow() - timedelta(seconds=61)
        db.session.commit()
        db.session.remove()
    assert sync(app, fake).status == OK
    (dead,) = stored(app, SyncRun, SyncRun.id == alive)
    assert dead.status == FAILED and dead.reason.startswith("Interrupted: no sign of life since")


def test_requested_runs_wait_for_the_running_one_then_start_in_order(app, fake, monkeypatch):
    monkeypatch.setattr("app.sis.sync.get_sis", lambda app=None: fake)
    with app.app_context():
        first = request_run(SyncOptions(programme="L1TEST", trigger="ui", started_by="referent"))
        with pytest.raises(SyncRefused, match="already requested"):
            request_run(SyncOptions(trigger="ui"))
        busy = add_run(app, status=RUNNING, heartbeat_at=utcnow())
        assert claim_requested(app) is None  # a live run: the request waits
        db.session.get(SyncRun, busy).status = OK
        db.session.commit()
        db.session.remove()
    run = run_requested(app)
    assert (run.id, run.status, run.programme, run.trigger, run.started_by, run.total) == (
        first, OK, "L1TEST", "ui", "referent", 3)
    assert run_requested(app) is None  # nothing more to start
    assert not stored(app, SyncRun, SyncRun.status == REQUESTED)
