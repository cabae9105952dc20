"""2. Not started / not signed: what is left to do in the campaign, and for whom.

- registered students (primary registrations of the year) with no annual contract;
- contracts still in draft or returned to the student;
- contracts validated by the student and waiting for a signature for more than N days.

The DETU's "not started" list of their programmes; students of the first two lists can be
reminded by e-mail from the page (``app.reports.reminders``).
"""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, select

from app.contracts.labels import STATUS_LABELS
from app.contracts.models import DRAFT, INITIAL, RETURNED, SUBMITTED, Contract
from app.extensions import db
from app.people.models import Programme, Registration, Student, utcnow
from app.reports.report import Report
from app.reports.scope import (
    PROGRAMME_COLUMNS,
    PROGRAMME_HEADERS,
    contract_conditions,
    join_programme,
    programme_cells,
    registration_conditions,
)
from app.reports.tables import COUNT, DATE, LINK, PICK, TEXT, Chart, Column, Link, Table

UNFINISHED = (DRAFT, RETURNED)

COUNT_COLUMNS = [
    *PROGRAMME_HEADERS,
    Column("not_started", _l("Not started"), COUNT), Column("draft", _l("Draft"), COUNT),
    Column("returned", _l("Returned to the student"), COUNT),
    Column("waiting", _l("Waiting for a signature"), COUNT),
]
STUDENT_COLUMNS = [
    Column("pick", _l("Select"), PICK), Column("number", _l("Student number"), TEXT),
    Column("last_name", _l("Last name"), TEXT), Column("first_name", _l("First name"), TEXT),
    *PROGRAMME_HEADERS,
]
UNFINISHED_COLUMNS = STUDENT_COLUMNS[:1] + [
    Column("contract", _l("Contract"), LINK), Column("number", _l("Student number"), TEXT),
    *PROGRAMME_HEADERS,
    Column("status", _l("Status"), TEXT), Column("changed", _l("Last change"), DATE),
]
WAITING_COLUMNS = [
    Column("contract", _l("Contract"), LINK), Column("number", _l("Student number"), TEXT),
    *PROGRAMME_HEADERS,
    Column("validated", _l("Validated on"), DATE), Column("days", _l("Days waiting"), COUNT),
]


def with_initial_contract(query):
    """Join each registration's annual contract, if any (one at most: uq_contract).

    Counting ``Contract.id`` then counts the started ones; an outer join lets the database hash
    it, where a NOT EXISTS in the selected columns runs once per registration.
    """
    return query.outerjoin(Contract, and_(
        Contract.student_id == Registration.student_id, Contract.year == Registration.year, Contract.kind == INITIAL))


def not_started_condition():
    """On Registration: the student has no annual contract for the registration's year."""
    return ~select(Contract.id).where(
        Contract.student_id == Registration.student_id, Contract.year == Registration.year, Contract.kind == INITIAL
    ).exists()


def not_started_conditions(user, filters):
    """The registrations of the "not started" list: empty when the filters ask for a contract status."""
    if filters.status:
        return None
    return registration_conditions(user, filters) + [not_started_condition()]


def contract_statuses(filters):
    """The contract statuses this report lists, narrowed by the status filter."""
    wanted = (DRAFT, RETURNED, SUBMITTED)
    return [filters.status] if filters.status else list(wanted)


def cutoff(filters):
    return utcnow() - timedelta(days=filters.days)


def waiting_condition(filters):
    """On Contract: validated and waiting for a signature for longer than N days; None when the
    status filter excludes them."""
    if SUBMITTED not in contract_statuses(filters):
        return None
    return and_(Contract.status == SUBMITTED, Contract.submitted_at < cutoff(filters))


def pending_condition(filters):
    """On Contract: unfinished by the student, or validated and waiting for longer than N days."""
    unfinished = [s for s in contract_statuses(filters) if s in UNFINISHED]
    clauses = [Contract.status.in_(unfinished)] if unfinished else []
    if waiting_condition(filters) is not None:
        clauses.append(waiting_condition(filters))
    return or_(*clauses) if clauses else false()


def counts_table(user, filters):
    programmes = {}
    conditions = not_started_conditions(user, filters)
    if conditions is not None:
        query = join_programme(select(*PROGRAMME_COLUMNS, func.count()), Registration.programme_id, Registration)
        for row in db.session.execute(query.where(*conditions).group_by(*PROGRAMME_COLUMNS)):
            programmes[row.id] = [row, row[-1], 0, 0, 0]
    query = join_programme(select(
        *PROGRAMME_COLUMNS,
        func.sum(case((Contract.status == DRAFT, 1), else_=0)),
        func.sum(case((Contract.status == RETURNED, 1), else_=0)),
        func.sum(case((Contract.status == SUBMITTED, 1), else_=0)),
    ), Contract.programme_id, Contract).where(
        *contract_conditions(user, filters, with_status=False), pending_condition(filters)
    ).group_by(*PROGRAMME_COLUMNS)
    for row in db.session.execute(query):
        entry = programmes.setdefault(row.id, [row, 0, 0, 0, 0])
        entry[2:] = row[-3:]
    rows = [(*programme_cells(row), *figures)
            for row, *figures in sorted(programmes.values(), key=lambda e: (e[0].code, e[0].step_code))]
    return Table("programmes", _l("Per programme"), COUNT_COLUMNS, rows)


def _limited(query, limit):
    """(rows, total): the first ``limit`` rows of a list, and how many there are."""
    if limit is None:
        rows = db.session.execute(query).all()
        return rows, len(rows)
    rows = db.session.execute(query.limit(limit)).all()
    if len(rows) < limit:
        return rows, len(rows)
    return rows, db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def not_started_table(user, filters, limit):
    conditions = not_started_conditions(user, filters)
    table = Table("not_started", _l("Registered students with no contract"), STUDENT_COLUMNS, total=0)
    if conditions is None:
        return table
    query = join_programme(
        select(Student.id.label("student_id"), Student.student_number, Student.last_name, Student.first_name,
               *PROGRAMME_COLUMNS).select_from(Registration).join(Student, Registration.student_id == Student.id),
        Registration.programme_id,
    ).where(*conditions).order_by(Programme.step_code, Student.last_name, Student.first_name, Student.id)
    rows, table.total = _limited(query, limit)
    table.rows = [(r.student_id, r.student_number, r.last_name, r.first_name, *programme_cells(r))
                  for r in rows]
    return table


def _contract_rows(user, filters, condition, order, limit):
    query = join_programme(
        select(Contract.id.label("contract_id"), Contract.student_id, Contract.status, Contract.updated_at,
               Contract.submitted_at, Student.student_number, Student.last_name, Student.first_name,
               *PROGRAMME_COLUMNS).select_from(Contract).join(Student, Contract.student_id == Student.id),
        Contract.programme_id,
    ).where(*contract_conditions(user, filters, with_status=False), condition).order_by(*order, Contract.id)
    return _limited(query, limit)


def _contract_link(row):
    return Link(f"{row.first_name} {row.last_name}", f"/contracts/show/{row.contract_id}")


def unfinished_table(user, filters, limit):
    statuses = [s for s in contract_statuses(filters) if s in UNFINISHED]
    table = Table("unfinished", _l("Contracts in draft or returned to the student"), UNFINISHED_COLUMNS, total=0)
    if not statuses:
        return table
    rows, table.total = _contract_rows(user, filters, Contract.status.in_(statuses),
                                       (Contract.updated_at, Student.last_name), limit)
    table.rows = [(r.student_id, _contract_link(r), r.student_number, *programme_cells(r),
                   str(STATUS_LABELS[r.status]), r.updated_at.date()) for r in rows]
    return table


def waiting_table(user, filters, limit):
    table = Table("waiting", _l("Validated contracts waiting for a signature for more than %(days)s days",
                                days=filters.days), WAITING_COLUMNS, total=0)
    condition = waiting_condition(filters)
    if condition is None:
        return table
    rows, table.total = _contract_rows(user, filters, condition, (Contract.submitted_at,), limit)
    now = utcnow()
    table.rows = [(_contract_link(r), r.student_number, *programme_cells(r), r.submitted_at.date(),
                   (now - r.submitted_at).days) for r in rows]
    return table


def build(user, filters, limit=None):
    return [counts_table(user, filters), not_started_table(user, filters, limit),
            unfinished_table(user, filters, limit), waiting_table(user, filters, limit)]


REPORT = Report(
    name="pending",
    title=_l("Not started / not signed"),
    description=_l("Registered students with no contract yet, contracts still in draft or returned to the student, "
                   "and validated contracts waiting for a signature for more than N days."),
    build=build,
    chart=Chart("programmes", "programme", ("not_started", "draft", "returned", "waiting"), stacked=True),
    filters=("year", "faculty", "programme", "status", "days"),
    action="ReportsView.remind",
)
