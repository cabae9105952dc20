"""The "not started / not signed" report's actions: e-mail reminders to the people listed.

Only students the user may see and who still have something to do (no contract, or one in draft
or returned) are reminded, once a day at most whoever sends it. The directors of studies of the
contracts waiting for a signature longer than the page's N days are reminded too, by the roles above
them (``policy.can_remind_detus``), once a day at most. Messages go through the outbox.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app import policy
from app.campaign import campaign_for, current_year
from app.contracts.models import Contract
from app.extensions import db
from app.notify import messages
from app.notify.reminders import waiting_by_detu
from app.people.models import Registration, Student
from app.reports.pending import UNFINISHED, contract_statuses, not_started_conditions, waiting_condition
from app.reports.scope import contract_conditions


class RemindersRefused(Exception):
    """Nothing can be sent (who, or when); ``str()`` says why, for the user."""


@dataclass
class RemindersSent:
    queued: int = 0
    already: int = 0  # reminded earlier today
    no_address: list = field(default_factory=list)  # student numbers
    refused: int = 0  # not in the user's scope, or nothing left to do


def eligible_students(user, filters):
    """SELECT of the ids of the students this user may remind, with the page's filters."""
    queries = []
    conditions = not_started_conditions(user, filters)
    if conditions is not None:
        queries.append(select(Registration.student_id).where(*conditions))
    unfinished = [s for s in contract_statuses(filters) if s in UNFINISHED]
    if unfinished:
        queries.append(select(Contract.student_id).where(
            *contract_conditions(user, filters, with_status=False), Contract.status.in_(unfinished)))
    if not queries:
        return None
    return queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0]


def open_campaign(filters, today):
    """The campaign reminders speak of: the current year's, while it is open."""
    campaign = campaign_for(filters.year)
    if filters.year != current_year() or campaign is None or not campaign.is_open(today):
        raise RemindersRefused(_("Reminders are sent only while the current year's campaign is open."))
    return campaign


def send_reminders(user, filters, student_ids=None, today=None):
    """Queue reminders to ``student_ids`` (or to every eligible student when None)."""
    today = today or date.today()
    if not policy.can_send_reminders(user):
        raise RemindersRefused(_("You may not send reminders."))
    campaign = open_campaign(filters, today)
    eligible = eligible_students(user, filters)
    if eligible is None:
        raise RemindersRefused(_("No student of this list can be reminded."))
    query = select(Student).where(Student.id.in_(eligible)).order_by(Student.id)
    result = RemindersSent()
    if student_ids is not None:
        wanted = set(student_ids)
        query = query.where(Student.id.in_(wanted))
    students = db.session.scalars(query).all()
    if student_ids is not None:
        result.refused = len(wanted) - len(students)
    for student in students:
        if messages.student_address(student) is None:
            result.no_address.append(student.student_number)
        elif messages.student_reminder(student, campaign, f"reminder-report:{campaign.year}:{student.id}:{today}"):
            result.queued += 1
        else:
            result.already += 1
    db.session.commit()
    return result


@dataclass
class DetusReminded:
    queued: int = 0
    already: int = 0  # reminded earlier today
    no_address: list = field(default_factory=list)  # names of DETUs without a valid address


def remind_detus(user, filters, today=None):
    """Queue a reminder to each DETU with contracts of this page's waiting list (the user's scope and
    filters, validated more than N days ago), naming their programmes and how many wait."""
    today = today or date.today()
    if not policy.can_remind_detus(user):
        raise RemindersRefused(_("You may not remind the directors of studies."))
    campaign = open_campaign(filters, today)
    if waiting_condition(filters) is None:
        raise RemindersRefused(_("No contract of this list waits for a signature."))
    conditions = [*contract_conditions(user, filters, with_status=False), waiting_condition(filters)]
    waiting = waiting_by_detu(campaign.year, conditions)
    if not waiting:
        raise RemindersRefused(_("No contract of this list waits for a signature."))
    result = DetusReminded()
    for detu, programmes in sorted(waiting.items(), key=lambda item: item[0].id):
        if not (detu.active and messages.valid_address(detu.email)):
            result.no_address.append(f"{detu.first_name} {detu.last_name}")
            continue
        programmes.sort(key=lambda item: item[0].code)
        if messages.detu_reminder(detu, programmes, campaign, f"reminder-report-detu:{campaign.year}:{detu.id}:{today}"):
            result.queued += 1
        else:
            result.already += 1
    db.session.commit()
    return result
