"""Retention: a contract is kept in full for ``Settings.retention_years`` after its academic year,
then anonymised; the read log is kept ``Settings.read_log_retention_months``; the identity of a
student no longer registered ``Settings.identity_retention_years`` after their last registration
(``app.privacy.identities``); the other personal logs ``Settings.personal_log_retention_months``
(``app.privacy.logs``).

Anonymising a contract empties every free text (study plan, needs' details, gap period details,
double enrolment (a mark stays where there was one, for counting), features of the path, the comment, the reasons of its history, the labels of
courses taken in advance, the e-mails sent about it) and cuts every link to a person: the contract
and the registration it was made from move to a placeholder student of their own, who has nothing
personal (number ``ANON-<contract id>``, no name, no account); the signer, the commenter, the
history's actors and the e-mails' recipients are emptied. What statistics count stays exactly as
it was, since every count still finds one student, one registration and one contract: year, kind,
programme, status, dates, régime and repeating, the specific needs' codes and hours, remediations
and their hours, support hours, courses' codes and ECTS, the flags.

Nothing is deleted but log lines past their own retention (and a forgotten student's assignments
to referent teachers). A run changes only contracts and identities not anonymised yet and deletes
only rows past their date, so running it again changes nothing; each run is recorded
(``RetentionRun``). A student becomes due in the same run as their last contract. An anonymised contract is no longer readable one by one (``app.policy``), so its
PDF is never produced again.
"""
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, case, delete, func, insert, select, update

from app.campaign import current_settings
from app.contracts.models import AdvanceCourse, Contract, ContractComment, ContractEvent
from app.extensions import db
from app.notify.models import Notification, OutboxMessage
from app.people.models import ANONYMOUS_PREFIX, Programme, Registration, Student, utcnow
from app.privacy import identities, logs
from app.privacy.models import ContractRead, RetentionRun

CHUNK = 500

# Free texts of the contract, emptied; their names are what a dry run prints.
EMPTIED_TEXTS = (
    "study_plan", "needs_details", "gap_year_details", "second_programme_label", "second_programme_level",
    "second_programme_institution", "path_notes", "comment",
)
# A double enrolment is counted (reports: profiles) by a non-empty label: it keeps this mark.
KEPT_MARK = "—"
# Links to staff, cut (the student's is replaced by a placeholder).
CUT_LINKS = ("signed_by_id", "comment_by_id")


def academic_year(today):
    """2026 for 2026-2027: the academic year starts on 1 September."""
    return today.year if today.month >= 9 else today.year - 1


def last_year_kept_in_full(today, years):
    """Contracts of this academic year and before have passed their retention period."""
    return academic_year(today) - years - 1


def months_before(moment, months):
    """The same day and time ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, monthrange(year, month + 1)[1]))


@dataclass
class Due:
    """A contract past its retention period, and what anonymising it would change."""

    id: int
    year: int
    programme: str
    student_number: str
    texts: list  # names of the free texts that are not empty
    reasons: int  # history lines with a reason


@dataclass
class Plan:
    retention_years: int
    last_year: int
    reads_before: datetime
    identity_years: int = 1
    identities_last_year: int = None  # identities last registered this academic year or before
    logs_before: datetime = None  # other personal logs older than this are deleted
    contracts: list = field(default_factory=list)
    reads: int = 0
    identities: list = field(default_factory=list)  # identities.IdentityDue
    logs: dict = field(default_factory=dict)  # {logs.KINDS: rows}

    @property
    def empty(self):
        return not (self.contracts or self.reads or self.identities or any(self.logs.values()))


def plan(today=None, now=None):
    """What a run would change now (reads nothing it would not change)."""
    today = today or date.today()
    now = now or utcnow()
    settings = current_settings()
    result = Plan(settings.retention_years, last_year_kept_in_full(today, settings.retention_years),
                  months_before(now, settings.read_log_retention_months))
    reasons = dict(db.session.execute(
        select(ContractEvent.contract_id, func.count())
        .join(Contract, ContractEvent.contract_id == Contract.id)
        .where(_due(result.last_year), ContractEvent.reason.is_not(None), ContractEvent.reason != "")
        .group_by(ContractEvent.contract_id)
    ).all())
    rows = db.session.execute(
        select(Contract.id, Contract.year, Programme.step_code, Programme.step_version, Student.student_number,
               Contract.returned_reason, *(getattr(Contract, name) for name in EMPTIED_TEXTS))
        .join(Programme, Contract.programme_id == Programme.id)
        .join(Student, Contract.student_id == Student.id)
        .where(_due(result.last_year))
        .order_by(Contract.year, Contract.id)
    )
    for cid, year, step, version, number, returned_reason, *texts in rows:
        filled = [name for name, value in zip(EMPTIED_TEXTS, texts) if value]
        if returned_reason:
            filled.append("returned_reason")
        result.contracts.append(Due(cid, year, f"{step}-{version}", number, filled, reasons.get(cid, 0)))
    result.reads = db.session.scalar(
        select(func.count()).select_from(ContractRead).where(ContractRead.at < result.reads_before))
    _plan_people(result, settings, today, now)
    return result


def _plan_people(result, settings, today, now):
    """The identities and personal logs past their periods (after the contracts: their students
    become due in the same run)."""
    result.identity_years = settings.identity_retention_years
    result.identities_last_year = last_year_kept_in_full(today, settings.identity_retention_years)
    result.identities = identities.due(result.identities_last_year, Contract.year > result.last_year)
    result.logs_before = months_before(now, settings.personal_log_retention_months)
    result.logs = logs.due(result.logs_before)


def apply(result, trigger, now=None):
    """Anonymise the planned contracts and delete old read-log lines, in one transaction; recorded."""
    now = now or utcnow()
    run = RetentionRun(started_at=now, trigger=trigger, retention_years=result.retention_years,
                       last_year_anonymised=result.last_year, reads_before=result.reads_before,
                       identities_last_year=result.identities_last_year, logs_before=result.logs_before)
    ids = [due.id for due in result.contracts]
    for start in range(0, len(ids), CHUNK):
        anonymise(ids[start:start + CHUNK], now)
    for start in range(0, len(result.identities), CHUNK):
        identities.anonymise(result.identities[start:start + CHUNK])
    deleted = db.session.execute(delete(ContractRead).where(ContractRead.at < result.reads_before))
    for kind, count in logs.delete_old(result.logs_before).items():
        setattr(run, f"{kind}_deleted", count)
    run.contracts_anonymised = len(ids)
    run.identities_anonymised = len(result.identities)
    run.reads_deleted = deleted.rowcount
    run.finished_at = utcnow()
    db.session.add(run)
    db.session.commit()
    return run


def anonymise(ids, now):
    """Empty the free texts and cut the links to people of these contracts (a few statements)."""
    contracts = db.session.execute(
        select(Contract.id, Contract.registration_id).where(Contract.id.in_(ids), Contract.anonymised_at.is_(None))
    ).all()
    if not contracts:
        return
    placeholders = _placeholders([contract_id for contract_id, _ in contracts])
    table = Contract.__table__
    db.session.execute(
        table.update().where(table.c.id == bindparam("contract")).values(
            student_id=bindparam("placeholder"),
            **dict({name: "" for name in EMPTIED_TEXTS},
                   second_programme_label=case((table.c.second_programme_label != "", KEPT_MARK), else_="")),
            **{name: None for name in CUT_LINKS}, returned_reason=None, anonymised_at=now,
            # The dates are kept for statistics: updated_at must not become "today".
            updated_at=table.c.updated_at, version=table.c.version + 1,
        ),
        [{"contract": cid, "placeholder": placeholders[cid]} for cid, _ in contracts],
    )
    registrations = Registration.__table__
    moved = [{"registration": rid, "placeholder": placeholders[cid]} for cid, rid in contracts if rid is not None]
    if moved:
        db.session.execute(
            registrations.update().where(registrations.c.id == bindparam("registration"))
            .values(student_id=bindparam("placeholder")), moved)
    _empty_around([cid for cid, _ in contracts])
    db.session.expire_all()


def _placeholders(contract_ids):
    """{contract id: id of a new placeholder student}: nothing personal, one per contract."""
    numbers = {f"{ANONYMOUS_PREFIX}{cid}": cid for cid in contract_ids}
    db.session.execute(insert(Student), [{"student_number": n, "last_name": "", "first_name": ""} for n in numbers])
    rows = db.session.execute(select(Student.student_number, Student.id).where(Student.student_number.in_(numbers)))
    return {numbers[number]: student_id for number, student_id in rows}


def _empty_around(ids):
    """The history's reasons, actors and stored documents (names, free texts), the comment's history,
    courses' labels, the e-mails and in-app notifications about the contracts."""
    for statement in (
        update(ContractEvent).where(ContractEvent.contract_id.in_(ids)).values(reason=None, actor_id=None,
                                                                              impersonator_id=None, document=None),
        update(ContractComment).where(ContractComment.contract_id.in_(ids)).values(text="", author_id=None),
        delete(Notification).where(Notification.contract_id.in_(ids)),
        update(AdvanceCourse).where(AdvanceCourse.contract_id.in_(ids)).values(label=""),
        update(OutboxMessage).where(OutboxMessage.contract_id.in_(ids)).values(
            subject="", body_text="", body_html="", to_address="", to_user_id=None),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


def _due(last_year):
    return (Contract.year <= last_year) & Contract.anonymised_at.is_(None)


def run_retention(trigger, dry_run=False, today=None):
    """Plan, and unless ``dry_run`` apply; returns (plan, run or None)."""
    result = plan(today)
    if dry_run:
        return result, None
    return result, apply(result, trigger)


def retention_job(app):
    """The "retention" job."""
    with app.app_context():
        run_retention("job")
