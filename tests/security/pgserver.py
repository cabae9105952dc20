"""A PostgreSQL cluster of the test's own on loopback, that the test may stop and restart.

The suite's shared server (TEST_DATABASE_URL) must never be restarted: other workers use it.
PostgreSQL refuses to run as root; as root, the cluster runs as the ``conpere-ci`` system user.
"""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager

INSTALL = "apt-get install postgresql"


def binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return found[-1] if found else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def own_or_skip():
    """A started cluster of the test's own, or the test skips and says how to install PostgreSQL."""
    import pytest

    if binaries() is None:
        pytest.skip(f"PostgreSQL is not installed: {INSTALL}")
    with PostgresServer.temporary() as server:
        yield server


class PostgresServer:
    def __init__(self, directory):
        self.bin = binaries()
        self.dir = directory
        self.data = os.path.join(directory, "data")
        self.port = free_port()
        self.run_as = []
        if os.getuid() == 0:
            if subprocess.run(["id", "conpere-ci"], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", "conpere-ci"], check=True)
            shutil.chown(directory, "conpere-ci")
            self.run_as = ["runuser", "-u", "conpere-ci", "--"]

    @classmethod
    @contextmanager
    def temporary(cls):
        """A started cluster in a folder of its own (pytest's folders are closed to other users)."""
        directory = tempfile.mkdtemp(prefix="conpere-pg-")
        server = cls(directory)
        try:
            yield server.init().start()
        finally:
            try:
                server.stop("immediate")
            except subprocess.CalledProcessError:
                pass  # already stopped
            shutil.rmtree(directory, ignore_errors=True)

    @property
    def url(self):
        return f"postgresql://conpere@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args):
        subprocess.run([*self.run_as, os.path.join(self.bin, "pg_ctl"), "-D", self.data, *args],
                       check=True, capture_output=True, timeout=60)

    def init(self):
        subprocess.run([*self.run_as, os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "conpere",
                        "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)
        return self

    def start(self):
        self._ctl("-l", os.path.join(self.dir, "server.log"), "-w", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c full_page_writes=off",
                  "start")
        return self

    def stop(self, mode="fast"):
        self._ctl("-m", mode, "-w", "stop")

    def restart(self):
        self.stop()
        self.start()
