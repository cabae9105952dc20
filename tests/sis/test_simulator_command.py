"""The simulator is a tool beside the application: ``flask --app run apogee-simulator`` serves it
(and writes its WSDL files under AMUE's names); nothing in ``app/`` imports it."""
import ast
import os
import socket
import subprocess
import sys
import time

import requests
from click.testing import CliRunner

from simulators.cli import simulator_command

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLASK = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "run"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(tmp_path, *args, **kwargs):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'unused.db'}")
    return subprocess.Popen(FLASK + list(args), cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_the_command_serves_the_simulator_and_writes_its_wsdl_files(tmp_path):
    port = free_port()
    process = flask(tmp_path, "apogee-simulator", "--students", "3", "--port", str(port),
                    "--write-wsdl", str(tmp_path / "wsdl"))
    try:
        deadline, answer = time.monotonic() + 90, None
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/services/EtudiantMetier?wsdl", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.3)
        assert answer is not None and answer.status_code == 200, process.poll()
        assert (tmp_path / "wsdl" / "EtudiantMetier_Impl.wsdl").is_file()
        assert (tmp_path / "wsdl" / "ReferentielMetier_21062012_Impl.wsdl").is_file()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_bad_options_are_one_error_line():
    runner = CliRunner()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        busy = runner.invoke(simulator_command, ["--students", "3", "--port", str(taken.getsockname()[1])])
    finally:
        taken.close()
    rate = runner.invoke(simulator_command, ["--fault-rate", "2"])
    for result, expected in ((busy, "Cannot listen on 127.0.0.1"), (rate, "--fault-rate must be between 0 and 1")):
        assert result.exit_code == 1
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:") and expected in lines[0]


def test_the_application_never_imports_the_simulators_benchmarks_or_tests():
    imported = set()
    for folder, _, files in os.walk(os.path.join(ROOT, "app")):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as source:
                    tree = ast.parse(source.read())
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        imported.update(alias.name.split(".")[0] for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        imported.add(node.module.split(".")[0])
    assert "app" in imported  # the walk did read the package
    assert not imported & {"simulators", "bench", "tests"}
