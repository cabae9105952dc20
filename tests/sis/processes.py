"""Real processes for the fault tests: the application's commands as subprocesses, a database ready
for them, and a PostgreSQL cluster of the test's own (so that it may restart it)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLASK = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "run"]
PG_USER = "conpere-ci"  # PostgreSQL refuses to run as root (as in .ci/run and tools/pg-start)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting {seconds} s for {what}")


def flask(env, *args):
    """A ``flask --app run …`` process (text output captured)."""
    return subprocess.Popen(FLASK + list(args), cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def prepare_database(url, diploma_types="L"):
    """Migrate an empty database, load the reference catalogue, choose the diploma types."""
    from flask_migrate import upgrade

    from app.catalog.models import Settings
    from app.extensions import db
    from seeds.catalogue import load_reference
    from tests.conftest import make_app

    app = make_app(url)
    with app.app_context():
        upgrade()
        load_reference()
        db.session.get(Settings, 1).diploma_types = diploma_types
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app


def one_error_line(stderr):
    """The single line a failing command prints (logging lines apart); asserts there is no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_bin():
    found = sorted(d for d in (os.path.join("/usr/lib/postgresql", v, "bin") for v in
                               (os.listdir("/usr/lib/postgresql") if os.path.isdir("/usr/lib/postgresql") else []))
                   if os.path.exists(os.path.join(d, "initdb")))
    return found[-1] if found else None


class PgCluster:
    """A throwaway cluster on a free loopback port; ``restart()`` as an administrator would."""

    def __init__(self):
        self.bin = _pg_bin()
        if self.bin is None:
            pytest.skip("PostgreSQL server binaries not found: apt-get install postgresql")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="conpere-pg-")
        self.as_user = []
        if os.geteuid() == 0:
            if subprocess.run(["id", PG_USER], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", PG_USER], check=True)
            shutil.chown(self.dir, PG_USER)
            self.as_user = ["runuser", "-u", PG_USER, "--"]

    def _ctl(self, *args):
        subprocess.run(self.as_user + [os.path.join(self.bin, "pg_ctl"), "-D", os.path.join(self.dir, "data"),
                                       *args], check=True, capture_output=True, timeout=120)

    def start(self):
        subprocess.run(self.as_user + [os.path.join(self.bin, "initdb"), "-D", os.path.join(self.dir, "data"), "-U",
                                       "conpere", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True, timeout=120)
        self._serve()
        return self

    def _serve(self):
        # The server's output goes to its log file: a pipe held by it would never close.
        self._ctl("-l", os.path.join(self.dir, "server.log"), "-w", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off", "start")

    def restart(self):
        """Stop (disconnecting every client) and start again."""
        self._ctl("-m", "fast", "-w", "stop")
        self._serve()

    def stop(self):
        try:
            self._ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self, name):
        admin = sa.create_engine(f"postgresql://conpere@127.0.0.1:{self.port}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return f"postgresql://conpere@127.0.0.1:{self.port}/{name}"


@contextmanager
def pg_cluster():
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()
