"""``flask --app run pegase-simulator``: a real process serving the CAS ticket endpoint and the APIs;
bad options are one error line."""
import socket
import time

import pytest
import requests
from click.testing import CliRunner

from simulators.pegase.cli import pegase_simulator_command
from tests.sis.test_simulator_command import flask, free_port


def test_the_command_serves_a_university_behind_its_cas(tmp_path):
    port = free_port()
    process = flask(tmp_path, "pegase-simulator", "--students", "5", "--port", str(port), "--user", "svc-conpere",
                    "--password", "s3cret")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, ticket = time.monotonic() + 90, None
        while ticket is None and time.monotonic() < deadline and process.poll() is None:
            try:
                ticket = requests.post(base + "/cas/v1/tickets", timeout=5,
                                       data={"username": "svc-conpere", "password": "s3cret", "token": "true"})
            except requests.ConnectionError:
                time.sleep(0.3)
        assert ticket is not None and ticket.status_code == 201, process.poll()
        flux = base + "/api/ins/ext/v2/gestion/flux-inscriptions/pagine"
        answer = requests.get(flux, params={"taille": 2, "page": 0}, timeout=30,
                              headers={"Authorization": f"Bearer {ticket.text}"})
        assert answer.status_code == 200
        body = answer.json()
        assert len(body["resultats"]) == 2 and body["totalElements"] > 2
        assert requests.get(flux, params={"taille": 2}, timeout=30).status_code == 401  # no token
        refused = requests.post(base + "/cas/v1/tickets", data={"username": "svc-conpere", "password": "no",
                                                                "token": "true"}, timeout=5)
        assert refused.status_code == 401
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize("options,expected", [
    (["--error-rate", "2"], "--error-rate must be between 0 and 1"),
    (["--timeout-rate", "-0.5"], "--timeout-rate must be between 0 and 1"),
    (["--students", "-1"], "--students must be zero or more"),
    (["--token-seconds", "0"], "--token-seconds must be 1 or more"),
    (["--port", "BUSY"], "Cannot listen on 127.0.0.1"),
])
def test_bad_options_are_one_error_line(options, expected):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        options = [str(taken.getsockname()[1]) if o == "BUSY" else o for o in options]
        result = CliRunner().invoke(pegase_simulator_command, ["--students", "3"] + options)
    finally:
        taken.close()
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1, result.output
    assert lines[0].startswith("Error:") and expected in lines[0]
