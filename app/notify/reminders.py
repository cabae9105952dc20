"""Reminders before the campaign closes: students who have not validated, DETUs with contracts waiting.

Sent once per campaign closing date and person, on the first run within the last
``Settings.reminder_days`` days of the campaign.
"""
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from app.campaign import campaign_for, current_settings
from app.contracts.models import DRAFT, RETURNED, SIGNED, SUBMITTED, Contract
from app.extensions import db
from app.notify import messages
from app.people.models import DetuAssignment, Programme, Registration, Student


def reminder_due(campaign, days, today):
    return bool(days) and days > 0 and campaign is not None and (
        max(campaign.closes_on - timedelta(days=days), campaign.opens_on) <= today <= campaign.closes_on
    )


def students_not_validated(year, diploma_types):
    """Students registered (primary) in a contract-bearing programme whose contract is not validated,
    or who have a reorientation contract still in draft."""
    validated = select(Contract.student_id).where(
        Contract.year == year, Contract.kind == "initial", Contract.status.in_((SUBMITTED, SIGNED))
    )
    registered = (
        select(Registration.student_id)
        .join(Programme, Registration.programme_id == Programme.id)
        .where(Registration.year == year, Registration.is_primary.is_(True),
               Registration.is_cancelled.is_(False), Programme.active.is_(True),
               Programme.diploma_type.in_(diploma_types), Registration.student_id.not_in(validated))
    )
    drafts = select(Contract.student_id).where(Contract.year == year, Contract.status.in_((DRAFT, RETURNED)))
    return db.session.scalars(
        select(Student).where(Student.id.in_(registered) | Student.id.in_(drafts)).order_by(Student.id)
    ).all()


def waiting_by_detu(year, conditions=()):
    """{DETU user: [(programme, contracts validated and not yet signed)]}; ``conditions`` narrow the
    contracts counted (a report's scope and filters)."""
    counts = db.session.execute(
        select(Contract.programme_id, func.count(Contract.id))
        .where(Contract.year == year, Contract.status == SUBMITTED, *conditions)
        .group_by(Contract.programme_id)
    ).all()
    counts = dict(counts)
    waiting = defaultdict(list)
    if not counts:
        return waiting
    for assignment in db.session.scalars(
        select(DetuAssignment).where(DetuAssignment.programme_id.in_(counts))
    ).all():
        waiting[assignment.user].append((assignment.programme, counts[assignment.programme_id]))
    return waiting


def send_reminders(today=None):
    """Queue the reminders due today; returns (students reminded, DETUs reminded)."""
    today = today or date.today()
    settings = current_settings()
    campaign = campaign_for(settings.current_year)
    if not reminder_due(campaign, settings.reminder_days, today):
        return 0, 0
    stamp = f"{campaign.year}:{campaign.closes_on.isoformat()}"
    students = 0
    for student in students_not_validated(campaign.year, settings.diploma_type_list):
        if messages.student_reminder(student, campaign, f"reminder-student:{stamp}:{student.id}"):
            students += 1
    detus = 0
    for detu, waiting in waiting_by_detu(campaign.year).items():
        if detu.active and messages.valid_address(detu.email):
            waiting.sort(key=lambda item: item[0].code)
            if messages.detu_reminder(detu, waiting, campaign, f"reminder-detu:{stamp}:{detu.id}"):
                detus += 1
    db.session.commit()
    return students, detus


def reminder_job(app):
    """The "campaign-reminders" job."""
    with app.app_context():
        send_reminders()
