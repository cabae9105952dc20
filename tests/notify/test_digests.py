"""DETUs who follow hundreds of students may ask for one daily digest instead of one e-mail each."""
from datetime import date, timedelta

from sqlalchemy import select

from app.catalog.models import Campaign, Settings
from app.contracts import editing, workflow
from app.contracts.models import INITIAL, Contract
from app.extensions import db
from app.notify import outbox
from app.notify.digests import send_digests
from app.notify.models import DigestEntry, OutboxMessage
from app.notify.reminders import reminder_due, send_reminders
from app.people.models import Programme, Registration, Student


def not_started(step, year):
    """Demo students of a programme without a contract this year."""
    started = select(Contract.student_id).where(Contract.year == year)
    return db.session.scalars(
        select(Student).join(Registration, Registration.student_id == Student.id)
        .join(Programme, Registration.programme_id == Programme.id)
        .where(Programme.step_code == step, Registration.year == year, Registration.is_primary.is_(True),
               Student.id.not_in(started))
        .order_by(Student.id)
    ).all()


def body(message, subtype):
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_digests_group_per_detu(app, smtp, empty_outbox, ctx):
    settings = db.session.get(Settings, 1)
    settings.detu_notification = "digest"
    db.session.commit()
    year = settings.current_year
    l1math = not_started("L1MATH", year)[:2]  # detu's
    l3math = not_started("L3MATH", year)[:1]  # detu2's
    l1letm = not_started("L1LETM", year)[:1]  # detu2's
    started = {}
    for student in l1math + l3math + l1letm:
        started[student.id] = workflow.start_contract(student, year, INITIAL, student.user)
    first = started[l1math[0].id]
    editing.save_student_part(first, l1math[0].user, {"study_plan": "Projet.", "charter_accepted": "on",
                                                      "gap_year": "none"}, first.version)
    workflow.submit(first, l1math[0].user)
    assert not db.session.scalars(select(OutboxMessage)).all()  # nothing immediate

    assert send_digests() == 2
    assert not db.session.scalars(select(DigestEntry)).all()
    assert send_digests() == 0  # entries are consumed once
    outbox.send_due()

    detu_mail, = smtp.inbox.to("detu@demo.univ.fr")
    detu2_mail, = smtp.inbox.to("detu2@demo.univ.fr")
    detu_text, detu2_text = body(detu_mail, "plain"), body(detu2_mail, "plain")
    assert "2 commencé(s), 1 à signer" in detu_mail["Subject"]
    assert "1 à signer" not in detu2_mail["Subject"] and "2 commencé(s)" in detu2_mail["Subject"]
    for student in l1math:
        assert student.student_number in detu_text and student.student_number not in detu2_text
    for student in l3math + l1letm:
        assert student.student_number in detu2_text and student.student_number not in detu_text
    to_sign = detu_text.split("à signer (1)")[1].split("Commencés")[0]
    assert l1math[0].student_number in to_sign and l1math[1].student_number not in to_sign
    assert f"/contracts/show/{first.id}" in body(detu_mail, "html")


def test_reminders_before_the_campaign_closes(app, smtp, empty_outbox, ctx):
    settings = db.session.get(Settings, 1)
    settings.reminder_days = 7
    campaign = db.session.scalar(select(Campaign).where(Campaign.year == settings.current_year))
    today = date(settings.current_year + 1, 6, 10)
    campaign.opens_on, campaign.closes_on = date(settings.current_year, 9, 1), today + timedelta(days=5)
    db.session.commit()
    assert not reminder_due(campaign, 7, today - timedelta(days=3))
    assert not reminder_due(campaign, 7, campaign.closes_on + timedelta(days=1))
    assert reminder_due(campaign, 7, today) and not reminder_due(campaign, None, today)

    year = settings.current_year
    validated = set(db.session.scalars(select(Contract.student_id).where(
        Contract.year == year, Contract.status.in_(("submitted", "signed")))).all())
    waiting = {p for p, in db.session.execute(select(Programme.step_code).join(Contract).where(
        Contract.year == year, Contract.status == "submitted"))}

    students, detus = send_reminders(today)
    assert (students, detus) == (60 - len(validated), 2)
    assert send_reminders(today + timedelta(days=1)) == (0, 0)  # once per campaign and person
    outbox.send_due()
    student_mails = [m for m in smtp.inbox.messages if "etu.demo.univ.fr" in m.envelope_to[0]]
    assert len(student_mails) == students
    reminded = {m.envelope_to[0] for m in student_mails}
    for student in db.session.scalars(select(Student)).all():
        assert (student.email in reminded) == (student.id not in validated), student
    detu_mail, = smtp.inbox.to("detu@demo.univ.fr")
    assert "attendent votre signature" in detu_mail["Subject"]
    assert "status=submitted" in body(detu_mail, "plain")
    assert {"L1MATH", "L2MATH"} & waiting and all(
        (step in body(detu_mail, "plain")) == (step in waiting) for step in ("L1MATH", "L2MATH"))
    assert campaign.closes_on.strftime("%Y") in student_mails[0]["Subject"]
