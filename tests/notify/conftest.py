"""A real SMTP server on loopback (aiosmtpd), on a free port, started by the test that needs it."""
import socket
import time
from email import message_from_bytes, policy

import pytest

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover
    Controller = None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the SMTP server received: parsed messages with their envelope recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]


class SmtpServer:
    """``starttls``/``implicit_tls``: a server-side ssl.SSLContext for STARTTLS (required) or port-465 style."""

    def __init__(self, port, authenticator=None, handler=None, starttls=None, implicit_tls=None):
        self.port = port
        self.inbox = Inbox()
        kwargs = {}
        if authenticator is not None:
            kwargs = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
        if starttls is not None:
            kwargs.update(tls_context=starttls, require_starttls=True)
        if implicit_tls is not None:
            kwargs.update(ssl_context=implicit_tls)
        self.controller = Controller(handler or self.inbox, hostname="127.0.0.1", port=port, **kwargs)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(app, smtp_port):
    """A running SMTP server the app sends to."""
    if Controller is None:
        pytest.skip("aiosmtpd is missing: pip install -r requirements-dev.txt")
    server = SmtpServer(smtp_port).start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    yield server
    server.stop()
    app.config.update(saved)


@pytest.fixture
def empty_outbox(app):
    """Forget the demo's queued messages, so that a test sees only its own."""
    from sqlalchemy import delete

    from app.extensions import db
    from app.notify.models import OutboxMessage

    with app.app_context():
        db.session.execute(delete(OutboxMessage))
        db.session.commit()


def wait_for(condition, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
