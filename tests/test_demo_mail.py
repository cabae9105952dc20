"""The demo's mail catcher (`make run` starts it): a student's validation ends up as an e-mail in its
folder, sent by the outbox job over real SMTP to the catcher running as its own process."""
import email
import email.policy
import glob
import os
import re
import socket
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def catcher(tmp_path):
    pytest.importorskip("aiosmtpd", reason="pip install -r requirements-dev.txt")
    port, folder = free_port(), tmp_path / "mail"
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, "simulators", "mailcatcher.py"),
                                "--port", str(port), "--dir", str(folder)], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, folder
    process.terminate()
    process.wait(10)


def test_a_students_validation_arrives_in_the_demo_mailbox(app, login, catcher):
    from app.extensions import db
    from app.notify import outbox

    port, folder = catcher
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=None, MAIL_PASSWORD=None)
    client = login("student")
    version = re.search(r'name="version" value="(\d+)"', client.get("/my/contract/").get_data(as_text=True)).group(1)
    response = client.post("/my/contract/", data={"action": "validate", "version": version, "kind": "initial",
                                                  "study_plan": "Devenir ingénieure.", "charter_accepted": "on"})
    assert response.status_code == 302
    with app.app_context():
        report = outbox.send_due()
        db.session.remove()
    assert report.sent >= 1
    files = sorted(glob.glob(str(folder / "*.eml")))
    assert len(files) == report.sent
    with open(files[0], "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    assert "detu" in message["To"] and message["Subject"]
