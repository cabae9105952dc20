"""Real processes: the scheduler starts a run requested from the page; a sync killed with ``kill -9``
or caught by a database restart is recognised dead within a minute and the next run completes.
Commands print one line on failure, never a traceback."""
import os
import signal

import pytest
import sqlalchemy as sa

from simulators.apogee import generate
from tests.sis.conftest import YEAR, served
from tests.sis.processes import flask, one_error_line, pg_cluster, prepare_database, wait_for

STUDENTS = 300
LIVENESS = {"SYNC_HEARTBEAT_SECONDS": "0.5", "SYNC_STALE_SECONDS": "5"}


@pytest.fixture(scope="module")
def slow_apogee():
    """A simulator in this process; each test sets how slowly it answers."""
    with served(generate(STUDENTS, seed=3, year=YEAR)) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def postgresql():
    with pg_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The URL of a migrated database with the reference catalogue, on SQLite then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'faults.db'}"
    else:
        url = request.getfixturevalue("postgresql").create_database(f"kill_{os.getpid()}")
    prepare_database(url, diploma_types="L,LP,M,DU")
    return url


def runs(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT id, status, processed, total, reason FROM sync_run ORDER BY id")).all()
    finally:
        engine.dispose()


def students(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM student"))
    finally:
        engine.dispose()


def env_for(url, apogee, **extra):
    return {"DATABASE_URL": url, "APOGEE_BASE_URL": apogee.base_url, "APOGEE_CONCURRENCY": "4",
            "APOGEE_READ_TIMEOUT": "30", **LIVENESS, **extra}


def started_midway(url):
    """The running run, once it has processed some students."""
    found = [r for r in runs(url) if r.status == "running" and r.processed > 0]
    return found[0] if found else None


def sync_until_accepted(env):
    """``flask --app run sync`` again while another run is (still taken as) alive: the completed run's
    output. Each refusal is one error line."""
    refusals = []

    def attempt():
        process = flask(env, "sync")
        out, err = process.communicate(timeout=300)
        if process.returncode == 0:
            return out
        line = one_error_line(err)
        assert "is already running" in line, err
        refusals.append(line)
        return None

    return wait_for(attempt, 240, "a sync to be accepted"), refusals


def test_a_sync_killed_midway_is_recognised_dead_and_the_next_one_completes(database, slow_apogee):
    url = database
    slow_apogee.behaviour.latency = 0.1
    env = env_for(url, slow_apogee)
    victim = flask(env, "sync")
    try:
        run = wait_for(lambda: started_midway(url), 240, "the sync to process students")
    finally:
        os.kill(victim.pid, signal.SIGKILL)
        victim.communicate(timeout=60)
    assert [r.status for r in runs(url)] == ["running"]  # nothing could say it died
    slow_apogee.behaviour.latency = 0.0
    out, _ = sync_until_accepted(env)
    assert f"ok: {STUDENTS} students: " in out
    (dead, done) = runs(url)
    assert (dead.id, dead.status) == (run.id, "failed") and dead.reason.startswith("Interrupted: no sign of life")
    assert (done.status, done.processed, done.total) == ("ok", STUDENTS, STUDENTS)
    assert students(url) == STUDENTS


def test_a_database_restart_during_a_sync(postgresql, slow_apogee):
    url = postgresql.create_database(f"restart_{os.getpid()}")
    prepare_database(url, diploma_types="L,LP,M,DU")
    slow_apogee.behaviour.latency = 0.1
    env = env_for(url, slow_apogee)
    caught = flask(env, "sync")
    try:
        wait_for(lambda: started_midway(url), 240, "the sync to process students")
        postgresql.restart()
        slow_apogee.behaviour.latency = 0.0
        out, err = caught.communicate(timeout=300)
    finally:
        caught.kill()
    first = runs(url)[0]
    if caught.returncode != 0:  # the run noticed the restart: it stopped, saying so in one line…
        assert "failed: The database failed during the run" in one_error_line(err)
        assert first.status == "failed" and first.reason.startswith("The database failed")  # …and recorded it
    else:  # the restart fell between two batches: reconnected, it went on
        assert first.status == "ok"
    out, _ = sync_until_accepted(env)
    assert " ok: " in out
    assert runs(url)[-1].status == "ok" and students(url) == STUDENTS


def test_the_scheduler_process_starts_a_run_requested_from_the_page(tmp_path, slow_apogee):
    url = f"sqlite:///{tmp_path / 'scheduler.db'}"
    app = prepare_database(url)
    from app.sis.runs import SyncOptions, request_run

    with app.app_context():
        run_id = request_run(SyncOptions(programme="L1MATH", trigger="ui", started_by="referent"))
    slow_apogee.behaviour.latency = 0.0
    scheduler = flask(env_for(url, slow_apogee, SYNC_REQUESTS_CRON="*/2 * * * * *", SYNC_CRON="off"), "scheduler")
    try:
        done = wait_for(lambda: [r for r in runs(url) if r.id == run_id and r.status not in ("requested", "running")],
                        240, "the scheduler to start and finish the requested run")
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.communicate(timeout=120)
    (run,) = done
    assert run.status == "ok" and run.processed == run.total > 0
