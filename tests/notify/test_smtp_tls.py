"""E-mail over STARTTLS and implicit TLS to a real SMTP server whose certificate a private CA signed."""
import shutil
import ssl

import pytest

from app.extensions import db
from app.notify import outbox
from app.notify.models import PENDING, SENT, OutboxMessage
from tests.notify.conftest import SmtpServer
from tests.tls import make_tls_files

MODES = {
    "starttls": {"MAIL_USE_TLS": True, "MAIL_USE_SSL": False},
    "implicit": {"MAIL_USE_TLS": False, "MAIL_USE_SSL": True},
}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is missing: apt-get install openssl")
    workdir = tmp_path_factory.mktemp("smtp-tls")
    return {"ours": make_tls_files(str(workdir), "mail"), "other": make_tls_files(str(workdir), "other")}


def server_context(files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files["cert"], files["key"])
    return context


@pytest.fixture
def tls_server(app, certificates, smtp_port, request):
    mode = request.param
    context = server_context(certificates["ours"])
    server = SmtpServer(smtp_port, **({"starttls": context} if mode == "starttls" else {"implicit_tls": context}))
    server.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_CA_FILE")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, **MODES[mode])
    yield server
    server.stop()
    app.config.update(saved)


def enqueue_one():
    message = outbox.enqueue("test", "someone@example.org", "Votre contrat", "texte", "<p>texte</p>")
    db.session.commit()
    return message.id


@pytest.mark.parametrize("tls_server", sorted(MODES), indirect=True)
def test_mail_goes_out_over_tls_when_the_authority_is_trusted(app, ctx, empty_outbox, certificates, tls_server):
    app.config["MAIL_CA_FILE"] = certificates["ours"]["ca"]
    message_id = enqueue_one()
    report = outbox.send_due()
    assert report.sent == 1, report
    assert db.session.get(OutboxMessage, message_id).status == SENT
    assert [m["Subject"] for m in tls_server.inbox.messages] == ["Votre contrat"]


@pytest.mark.parametrize("tls_server", sorted(MODES), indirect=True)
def test_an_unknown_authority_is_refused_and_the_message_waits(app, ctx, empty_outbox, certificates, tls_server):
    app.config["MAIL_CA_FILE"] = certificates["other"]["ca"]
    message_id = enqueue_one()
    report = outbox.send_due()
    assert report.sent == 0 and "certificate" in (report.error or "").lower()
    assert db.session.get(OutboxMessage, message_id).status == PENDING  # nothing lost, retried later
    assert tls_server.inbox.messages == []
