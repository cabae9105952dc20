"""E-mail through the outbox to a real SMTP server on loopback."""
from datetime import timedelta

from sqlalchemy import select

from app.contracts import workflow
from app.contracts.models import INITIAL
from app.extensions import db
from app.notify import outbox
from app.notify.models import FAILED, PENDING, SENT, OutboxMessage
from app.people.models import Student, utcnow
from tests.conftest import contract_of
from tests.documents.conftest import first
from tests.notify.conftest import SmtpServer

def queued(kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()


def body(message, subtype):
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_transitions_reach_the_right_people(app, smtp, empty_outbox, users, ctx):
    # A student starts a contract: the programme's DETUs are told.
    student2 = ctx.scalar(select(Student).where(Student.user_id == users["student2"].id))
    started = workflow.start_contract(student2, contract_of("student").year, INITIAL, users["student2"])
    # A DETU signs one contract and returns another with a reason: their students are told.
    to_sign = first("submitted", "L1MATH")
    workflow.sign(to_sign, users["detu"])
    to_return = first("submitted", "L1MATH")
    workflow.return_to_student(to_return, users["detu"], "Précisez vos horaires : merci !")
    assert outbox.send_due().sent == 3

    detu_mail, = smtp.inbox.to("detu@demo.univ.fr")
    assert f"{started.student.last_name} {started.student.first_name}" in detu_mail["Subject"]
    assert detu_mail["Subject"].startswith("Contrat commencé")  # French unless the DETU chose English
    assert f"http://127.0.0.1:5000/contracts/show/{started.id}" in body(detu_mail, "plain")
    assert f'href="http://127.0.0.1:5000/contracts/show/{started.id}"' in body(detu_mail, "html")
    assert not smtp.inbox.to("detu2@demo.univ.fr")  # L1MATH is not detu2's

    signed_mail, = smtp.inbox.to(to_sign.student.email)
    assert "est signé" in signed_mail["Subject"]
    assert f"/contracts/{to_sign.id}/pdf" in body(signed_mail, "plain")
    returned_mail, = smtp.inbox.to(to_return.student.email)
    assert "Précisez vos horaires : merci !" in body(returned_mail, "plain")
    assert "Précisez vos horaires : merci !" in body(returned_mail, "html")
    for message in smtp.inbox.messages:
        assert message.get_content_type() == "multipart/alternative"
        assert message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"
    assert all(m.status == SENT and m.sent_at for m in queued())


def test_a_validation_is_sent_to_every_detu_of_the_programme(app, smtp, empty_outbox, users, ctx):
    contract = contract_of("student")
    form = {"study_plan": "Devenir ingénieure.", "charter_accepted": "on", "gap_year": "none"}
    from app.contracts import editing

    editing.save_student_part(contract, users["student"], form, contract.version)
    workflow.submit(contract, users["student"])
    outbox.send_due()
    mail, = smtp.inbox.messages
    assert mail.envelope_to == ["detu@demo.univ.fr"] and "Contrat à signer" in mail["Subject"]


def test_nothing_is_lost_while_the_server_is_down(app, empty_outbox, smtp_port, users, ctx):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)  # nothing listens there yet
    contract = first("submitted", "L1MATH")
    workflow.sign(contract, users["detu"])
    report = outbox.send_due()
    assert report.sent == 0 and report.retried == 1 and "unreachable" in report.error
    message, = queued()
    assert message.status == PENDING and message.attempts == 1 and "unreachable" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert outbox.send_due().retried == 0  # not due yet: the delay grows

    server = SmtpServer(smtp_port).start()
    try:
        report = outbox.send_due(now=message.next_attempt_at + timedelta(seconds=1))
        assert report.sent == 1
        mail, = server.inbox.messages
        assert mail.envelope_to == [contract.student.email]
        db.session.refresh(message)
        assert message.status == SENT
        assert outbox.send_due(now=utcnow() + timedelta(days=1)).sent == 0  # sent once only
    finally:
        server.stop()


def test_retries_back_off_then_fail_visibly(app, empty_outbox, smtp_port, users, ctx):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_MAX_ATTEMPTS=3,
                      MAIL_RETRY_SECONDS=60, MAIL_RETRY_MAX_SECONDS=100)
    try:
        workflow.sign(first("submitted", "L1MATH"), users["detu"])
        message, = queued()
        now = utcnow()
        for expected in (timedelta(seconds=60), timedelta(seconds=100)):  # 60 s, then doubled but capped
            before = utcnow()
            outbox.send_due(now=now)
            after = utcnow()
            db.session.refresh(message)
            assert message.status == PENDING
            assert before + expected <= message.next_attempt_at <= after + expected
            now = message.next_attempt_at + timedelta(seconds=1)
        outbox.send_due(now=now)
        db.session.refresh(message)
        assert message.status == FAILED and message.attempts == 3
        assert outbox.requeue(failed=True) == 1
        db.session.refresh(message)
        assert (message.status, message.attempts) == (PENDING, 0)
    finally:
        app.config.update(MAIL_MAX_ATTEMPTS=10, MAIL_RETRY_SECONDS=60, MAIL_RETRY_MAX_SECONDS=3600)


def test_a_refused_recipient_fails_at_once(app, empty_outbox, smtp_port, ctx):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 No such user"

    server = SmtpServer(smtp_port, handler=Refusing()).start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port)
    try:
        outbox.enqueue("test", "nobody@example.org", "Sujet", "texte", "<p>texte</p>")
        db.session.commit()
        report = outbox.send_due()
        message, = queued()
        assert report.failed == 1 and message.status == FAILED and "550" in message.last_error
    finally:
        server.stop()


def test_credentials_are_used(app, empty_outbox, smtp_port, ctx):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"conpere" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    server = SmtpServer(smtp_port, authenticator=authenticator).start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_USERNAME="conpere", MAIL_PASSWORD="wrong")
    try:
        outbox.enqueue("test", "someone@example.org", "Sujet", "texte", "<p>texte</p>")
        db.session.commit()
        assert outbox.send_due().sent == 0 and not server.inbox.messages
        app.config["MAIL_PASSWORD"] = "s3cret"
        assert outbox.send_due(now=utcnow() + timedelta(hours=1)).sent == 1
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()
        app.config.update(MAIL_USERNAME=None, MAIL_PASSWORD=None)


def test_the_recipient_language_is_used(app, smtp, empty_outbox, login):
    login("detu").get("/lang/en")
    with app.test_request_context():
        from app.notify.models import UserLanguage

        detu = app.appbuilder.sm.find_user(username="detu")
        assert db.session.get(UserLanguage, detu.id).language == "en"
        workflow.sign(first("submitted", "L1MATH"), detu)
        workflow.start_contract(
            db.session.scalar(select(Student).where(Student.user_id == app.appbuilder.sm.find_user(username="student2").id)),
            contract_of("student").year, INITIAL, app.appbuilder.sm.find_user(username="student2"))
        outbox.send_due()
    detu_mail, = smtp.inbox.to("detu@demo.univ.fr")
    assert detu_mail["Subject"].startswith("Contract started:")
    student_mail = next(m for m in smtp.inbox.messages if "detu@demo.univ.fr" not in m.envelope_to)
    assert "est signé" in student_mail["Subject"]  # the student kept French


def test_admins_see_failures_and_retry_them(app, login, empty_outbox):
    with app.app_context():
        message = outbox.enqueue("test", "x@example.org", "Sujet en échec", "texte", "<p>texte</p>")
        message.status, message.attempts, message.last_error = FAILED, 10, "SMTPServerDisconnected: gone"
        db.session.commit()
        pk = message.id
    admin = login("admin")
    page = admin.get("/outboxview/list/").data
    assert b"Sujet en \xc3\xa9chec" in page and b"SMTPServerDisconnected: gone" in page
    response = admin.post("/outboxview/action_post", data={"action": "retry", "rowid": [str(pk)]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(OutboxMessage, pk).status == PENDING
    assert login("referent").post("/outboxview/action_post", data={"action": "retry", "rowid": [str(pk)]}).status_code == 403


def test_outbox_command(app, empty_outbox):
    with app.app_context():
        message = outbox.enqueue("test", "x@example.org", "Sujet", "texte", "<p>texte</p>")
        message.status, message.last_error = FAILED, "boom"
        db.session.commit()
        pk = message.id
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert listed.exit_code == 0 and f"#{pk}" in listed.output and "boom" in listed.output
    for args, message in ((["outbox", "retry"], "Give message ids"),
                          (["outbox", "retry", "999999"], "Unknown message id(s): 999999"),
                          (["outbox", "list", "--status", "lost"], "Invalid value")):
        failed = runner.invoke(args=args)
        assert failed.exit_code != 0 and message in failed.output and "Traceback" not in failed.output
    retried = runner.invoke(args=["outbox", "retry", str(pk)])
    assert retried.exit_code == 0 and "1 message(s) queued again." in retried.output
