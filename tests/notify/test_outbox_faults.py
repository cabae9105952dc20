"""The outbox when things break: the SMTP connection drops mid-batch, the sender is killed (kill -9).

Real SMTP server on loopback (aiosmtpd), real sender processes (``flask --app run outbox send``).
"""
import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.notify import outbox
from app.notify.mailer import SmtpMailer
from app.notify.models import PENDING, SENDING, SENT, OutboxMessage
from app.people.models import utcnow
from tests.notify.conftest import Inbox, SmtpServer, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.smtp


class DroppingInbox(Inbox):
    """Drops the connection, without answering, on the given DATA commands (1 = the first received)."""

    def __init__(self, drop_at):
        super().__init__()
        self.drop_at = set(drop_at)
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen in self.drop_at:
            server.transport.abort()
            return "421 gone"  # never reaches the client
        return await super().handle_DATA(server, session, envelope)


class SlowInbox(Inbox):
    """Takes ``delay`` seconds to accept each message, so that a kill lands in the middle of a batch."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def queue(count):
    for n in range(count):
        outbox.enqueue("test", f"r{n}@example.org", f"Message {n:03d}", f"texte {n}", f"<p>texte {n}</p>")
    db.session.commit()


def statuses():
    return dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def test_a_connection_dropped_mid_batch_is_reopened_and_every_failure_kept(app, empty_outbox, smtp_port, ctx):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_RETRY_SECONDS=60)
    inbox = DroppingInbox(drop_at={4, 8})
    server = SmtpServer(smtp_port, handler=inbox).start()
    try:
        queue(10)
        started = utcnow()
        report = outbox.send_due()
        assert (report.sent, report.retried, report.failed) == (8, 2, 0)
        assert "connection to 127.0.0.1" in report.error
        ctx.expire_all()
        dropped = ctx.scalars(select(OutboxMessage).where(OutboxMessage.status != SENT)).all()
        assert [m.subject for m in dropped] == ["Message 003", "Message 007"]  # DATA 4 and 8
        for message in dropped:  # the failure is saved: counted, explained, retried in a minute
            assert message.status == PENDING and message.attempts == 1
            assert "SMTPServerDisconnected" in message.last_error
            assert started + timedelta(seconds=50) < message.next_attempt_at < utcnow() + timedelta(seconds=70)
        assert len(inbox.messages) == 8

        later = outbox.send_due(now=utcnow() + timedelta(seconds=61))
        assert later.sent == 2 and not later.error
        ctx.expire_all()
        assert statuses() == {SENT: 10}
        subjects = sorted(m["Subject"] for m in inbox.messages)
        assert subjects == [f"Message {n:03d}" for n in range(10)]
        mailer = SmtpMailer(app.config)
        sent = ctx.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        by_subject = {m["Subject"]: m["Message-ID"] for m in inbox.messages}
        assert [by_subject[m.subject] for m in sent] == [outbox.message_id_of(m, mailer) for m in sent]
    finally:
        server.stop()


def sender(app, port):
    env = dict(os.environ, CONPERE_CONFIG="test", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_CLAIM_SECONDS="1", MAIL_USERNAME="")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "outbox", "send"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_killing_the_sender_loses_no_message(app, empty_outbox, smtp_port, ctx):
    inbox = SlowInbox(delay=0.15)
    server = SmtpServer(smtp_port, handler=inbox).start()
    kills = 0
    try:
        queue(30)
        for _ in range(4):
            before = len(inbox.messages)
            process = sender(app, smtp_port)
            wait_for(lambda: len(inbox.messages) >= before + 3 or process.poll() is not None, timeout=300)
            if process.poll() is not None:
                break
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            ctx.expire_all()
            # What a kill leaves: at most the one message that was being sent, « sending ».
            assert statuses().get(SENDING, 0) <= 1
            time.sleep(1.2)  # MAIL_CLAIM_SECONDS: the dead sender's claim runs out
        assert kills >= 2, "the sender finished before it could be killed twice"
        final = sender(app, smtp_port)
        output = final.communicate(timeout=600)[0]
        assert final.returncode == 0, output
        ctx.expire_all()
        assert statuses() == {SENT: 30}
        received = defaultdict(set)
        copies = defaultdict(int)
        for message in inbox.messages:
            received[message["Subject"]].add(message["Message-ID"])
            copies[message["Subject"]] += 1
        assert sorted(received) == [f"Message {n:03d}" for n in range(30)]  # none lost
        assert all(len(ids) == 1 for ids in received.values())  # a copy carries the same Message-ID
        assert sum(c - 1 for c in copies.values()) <= kills  # at most one copy per kill
    finally:
        server.stop()
