"""One scheduler at a time (a lease in the database), jobs on their cron, `flask jobs`."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.jobs import scheduler as S
from app.jobs.lease import Lease
from app.jobs.models import JobState, SchedulerLock
from app.jobs.registry import Job, register_job, registered_jobs
from app.people.models import utcnow
from tests.notify.conftest import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_one_lease_holder_at_a_time(app):
    with app.app_context():
        first, second = Lease(60), Lease(60)
        assert first.acquire() and first.is_held()
        assert not second.acquire() and second.current() == first.holder
        assert first.renew() and first.acquire()  # renewing or re-acquiring our own lease works
        # The first scheduler dies: its heartbeat gets older than the TTL, the second takes over.
        with db.engine.begin() as conn:
            conn.execute(update(SchedulerLock).values(heartbeat_at=utcnow() - timedelta(seconds=61)))
        assert first.current() is None
        assert second.acquire() and second.is_held()
        assert not first.renew() and not first.is_held()
        first.release()  # releasing a lease we lost leaves the new holder alone
        assert second.is_held()
        second.release()
        assert db.session.scalar(select(SchedulerLock)) is None


def test_cron_settings(app):
    assert S.trigger_for("0 3 * * *", "Europe/Paris")
    assert S.trigger_for("*/5 * * * * *", "UTC")  # six fields: seconds first
    for bad in ("every night", "61 * * * *", "* * *"):
        with pytest.raises(S.CronError):
            S.trigger_for(bad, "UTC")
    saved = {k: app.config.get(k) for k in ("OUTBOX_CRON", "DIGEST_CRON")}
    try:
        app.config.update(OUTBOX_CRON="off", DIGEST_CRON="")
        ids = [job.id for job, _ in S.enabled_jobs(app)]
        assert "outbox-send" not in ids and "detu-digest" not in ids and "campaign-reminders" in ids
        app.config["OUTBOX_CRON"] = "soon"
        with pytest.raises(S.CronError, match="OUTBOX_CRON"):
            S.enabled_jobs(app)
    finally:
        app.config.update(saved)


def test_jobs_command_lists_next_runs_and_runs_one(app, tmp_path):
    calls = []
    register_job("test-probe", lambda a: calls.append(a), cron_setting="PROBE_CRON", description="A probe")
    try:
        app.config["PROBE_CRON"] = "0 4 * * *"
        result = app.test_cli_runner().invoke(args=["jobs"])
        assert result.exit_code == 0, result.output
        line = next(line for line in result.output.splitlines() if line.startswith("test-probe"))
        assert "next " in line and " 04:00 " in line and "PROBE_CRON=0 4 * * *" in line
        assert "outbox-send" in result.output and "Scheduler: not running." in result.output

        ran = app.test_cli_runner().invoke(args=["jobs", "--run", "test-probe"])
        assert ran.exit_code == 0 and calls == [app]
        listed = app.test_cli_runner().invoke(args=["jobs"]).output
        assert "[last run" in next(line for line in listed.splitlines() if line.startswith("test-probe"))

        app.config["PROBE_CRON"] = ""
        assert "disabled (PROBE_CRON is empty)" in app.test_cli_runner().invoke(args=["jobs"]).output
        unknown = app.test_cli_runner().invoke(args=["jobs", "--run", "nope"])
        assert unknown.exit_code == 1 and "Unknown job 'nope'" in unknown.output
        app.config["OUTBOX_CRON"] = "whenever"
        refused = app.test_cli_runner().invoke(args=["scheduler"])
        assert refused.exit_code == 1 and "OUTBOX_CRON" in refused.output and "Traceback" not in refused.output
    finally:
        app.config["OUTBOX_CRON"] = "* * * * *"
        from app.jobs import registry

        registry._jobs.pop("test-probe", None)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(app):
    def broken(_app):
        raise RuntimeError("Apogée is down")

    job = Job("test-broken", broken, "X_CRON", "broken")
    assert S.run_job(app, job) is False
    with app.app_context():
        state = db.session.get(JobState, "test-broken")
        assert state.ok is False and "Apogée is down" in state.error and state.finished_at


class Process:
    """A real ``flask --app run scheduler`` process, its output read line by line."""

    def __init__(self, env):
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "run", "scheduler"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, text, timeout=180):  # generous: a process starts slowly on a busy machine
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.popen.poll() is not None:
                    break
                continue
            seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; output: {seen}")

    def stop(self, sig=signal.SIGTERM):
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        return self.popen.wait(timeout=30)


def holder_of(line):
    return line.split("Scheduler ", 1)[1].split(" ", 1)[0]


def test_a_second_scheduler_waits_while_the_first_holds_the_lock(app):
    env = dict(os.environ, CONPERE_CONFIG="test", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               PYTHONUNBUFFERED="1", SCHEDULER_LOCK_TTL="6", OUTBOX_CRON="* * * * * *",
               DIGEST_CRON="off", REMINDER_CRON="off", EXPORT_CRON="off", SYNC_CRON="off",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(free_port()), MAIL_TIMEOUT="2")  # nothing listens
    env.pop("TEST_DATABASE_URL", None)

    def last_run():
        with app.app_context():
            db.session.remove()
            state = db.session.get(JobState, "outbox-send")
            return (state.holder, state.started_at) if state else (None, None)

    first = Process(env)
    second = None
    try:
        first_holder = holder_of(first.expect("holds the lock"))
        wait_until(lambda: last_run()[0] == first_holder)

        second = Process(env)
        waiting = second.expect("waiting")
        assert first_holder in waiting
        _, before = last_run()
        time.sleep(7)  # longer than the TTL (6 s: renewals every 1.5 s keep up on a busy machine): the first renews its lease, the second keeps waiting
        wait_until(lambda: last_run()[1] > before)
        assert last_run()[0] == first_holder  # only the first runs the job, again and again
        assert second.popen.poll() is None and second.lines.empty()  # still waiting, silently

        first.stop(signal.SIGKILL)  # dies without releasing: the lease expires
        second_holder = holder_of(second.expect("holds the lock"))
        wait_until(lambda: last_run()[0] == second_holder)

        assert second.stop() == 0  # a clean stop releases the lock
        second.expect("stopped")
        with app.app_context():
            db.session.remove()
            assert db.session.scalar(select(SchedulerLock)) is None
    finally:
        for process in (first, second):
            if process is not None:
                process.stop(signal.SIGKILL)


def test_a_killed_scheduler_is_replaced_within_30_seconds(app):
    # The shipped lease settings (SCHEDULER_LOCK_TTL not set): what issue 11 asks of a takeover.
    env = dict(os.environ, CONPERE_CONFIG="test", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               PYTHONUNBUFFERED="1", OUTBOX_CRON="off", DIGEST_CRON="off", REMINDER_CRON="off",
               EXPORT_CRON="off", SYNC_CRON="off")
    for name in ("TEST_DATABASE_URL", "SCHEDULER_LOCK_TTL"):
        env.pop(name, None)
    first = Process(env)
    second = None
    try:
        first_holder = holder_of(first.expect("holds the lock"))
        second = Process(env)
        assert first_holder in second.expect("waiting")
        first.stop(signal.SIGKILL)  # no release: only the lease's expiry frees the lock
        killed = time.monotonic()
        second_holder = holder_of(second.expect("holds the lock", timeout=90))
        took = time.monotonic() - killed
        assert second_holder != first_holder
        assert took < 30, f"takeover after {took:.1f} s"
    finally:
        for process in (first, second):
            if process is not None:
                process.stop(signal.SIGKILL)


def wait_until(condition, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    assert condition()


def test_the_registry_holds_the_jobs_of_this_issue(app):
    assert {"outbox-send", "detu-digest", "campaign-reminders", "faculty-exports"} <= {j.id for j in registered_jobs()}
