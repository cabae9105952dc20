"""1. Campaign progress: week by week, the annual contracts started, validated, returned and signed
(cumulative), and the share of registered students whose contract is signed; then per programme.

A contract counts from the first time it reached a status (its history), so a contract returned
then validated again counts once as validated and once as returned. Reorientation contracts are
counted in the students' profiles, not here: the share is one contract per registered student.
"""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all

from app.campaign import campaign_for
from app.contracts.models import DRAFT, INITIAL, RETURNED, SIGNED, STATUSES, SUBMITTED, Contract, ContractEvent
from app.extensions import db
from app.people.models import Registration
from app.reports.pending import with_initial_contract
from app.reports.report import Report
from app.reports.scope import (
    PROGRAMME_COLUMNS,
    PROGRAMME_HEADERS,
    contract_conditions,
    programme_cells,
    join_programme,
    registration_conditions,
    week_number,
)
from app.reports.tables import COUNT, DATE, PERCENT, TEXT, Chart, Column, Table, share

MILESTONES = (DRAFT, SUBMITTED, RETURNED, SIGNED)  # draft: started

WEEK_COLUMNS = [
    Column("week", _l("Week"), TEXT), Column("starts", _l("Week of"), DATE),
    Column("started", _l("Started"), COUNT), Column("validated", _l("Validated"), COUNT),
    Column("returned", _l("Returned"), COUNT), Column("signed", _l("Signed"), COUNT),
    Column("registered", _l("Registered students"), COUNT),
    Column("signed_share", _l("Registered students with a signed contract (%)"), PERCENT),
]
PROGRAMME_TABLE_COLUMNS = [
    *PROGRAMME_HEADERS,
    Column("registered", _l("Registered students"), COUNT), Column("not_started", _l("Not started"), COUNT),
    Column("draft", _l("Draft"), COUNT), Column("submitted", _l("Validated by the student"), COUNT),
    Column("returned", _l("Returned to the student"), COUNT), Column("signed", _l("Signed"), COUNT),
    Column("signed_share", _l("Signed (%)"), PERCENT),
]


def campaign_weeks(year, today=None):
    """(first day, number of weeks) of a year's campaign, up to today while it runs."""
    today = today or date.today()
    campaign = campaign_for(year)
    start = campaign.opens_on if campaign else date(year, 9, 1)
    end = min(campaign.closes_on if campaign else date(year + 1, 8, 31), max(today, start))
    return start, (end - start).days // 7 + 1


def weekly_counts_query(user, filters, start):
    """(week, milestone, contracts): when each annual contract first reached each milestone."""
    contracts = contract_conditions(user, filters) + [Contract.kind == INITIAL]
    started = select(Contract.created_at.label("at"), literal(DRAFT).label("milestone")).where(*contracts)
    firsts = (
        select(func.min(ContractEvent.at).label("at"), ContractEvent.to_status.label("milestone"))
        .join(Contract, ContractEvent.contract_id == Contract.id)
        .where(*contracts, ContractEvent.to_status.in_((SUBMITTED, RETURNED, SIGNED)))
        .group_by(ContractEvent.contract_id, ContractEvent.to_status)
    )
    moments = union_all(started, firsts).subquery()
    week = week_number(moments.c.at, literal(start)).label("week")
    return select(week, moments.c.milestone, func.count()).group_by(week, moments.c.milestone)


def registered_count(user, filters):
    return db.session.scalar(select(func.count()).where(*registration_conditions(user, filters)))


def weekly_table(user, filters, today=None):
    start, weeks = campaign_weeks(filters.year, today)
    counts = {}
    for week, milestone, number in db.session.execute(weekly_counts_query(user, filters, start)):
        week = max(week, 0)  # started before the campaign opened: its first week
        weeks = max(weeks, week + 1)  # signed after it closed: the weeks go on
        counts[(week, milestone)] = counts.get((week, milestone), 0) + number
    registered = registered_count(user, filters)
    running = dict.fromkeys(MILESTONES, 0)
    rows = []
    for week in range(weeks):
        for milestone in MILESTONES:
            running[milestone] += counts.get((week, milestone), 0)
        rows.append((
            str(week + 1), start + timedelta(days=7 * week), running[DRAFT], running[SUBMITTED],
            running[RETURNED], running[SIGNED], registered, share(running[SIGNED], registered),
        ))
    return Table("weeks", _l("Progress week by week (cumulative)"), WEEK_COLUMNS, rows)


def programme_table(user, filters):
    by_status = join_programme(
        select(*PROGRAMME_COLUMNS, Contract.status, func.count()), Contract.programme_id, Contract
    ).where(
        *contract_conditions(user, filters), Contract.kind == INITIAL
    ).group_by(*PROGRAMME_COLUMNS, Contract.status)
    registered = with_initial_contract(join_programme(
        select(*PROGRAMME_COLUMNS, func.count(), func.count() - func.count(Contract.id)),
        Registration.programme_id, Registration,
    )).where(*registration_conditions(user, filters)).group_by(*PROGRAMME_COLUMNS)
    programmes = {}

    def entry(row):
        return programmes.setdefault(row.id, {"row": row, "registered": 0, "not_started": 0,
                                              **dict.fromkeys(STATUSES, 0)})

    for row in db.session.execute(by_status):
        entry(row)[row.status] = row[-1]
    if not filters.status:
        for row in db.session.execute(registered):
            figures = entry(row)
            figures["registered"], figures["not_started"] = row[-2], row[-1] or 0
    rows = []
    for figures in sorted(programmes.values(), key=lambda f: (f["row"].code, f["row"].step_code)):
        row = figures["row"]
        rows.append((*programme_cells(row), figures["registered"], figures["not_started"],
                     *(figures[s] for s in STATUSES), share(figures["signed"], figures["registered"])))
    return Table("programmes", _l("Per programme, today"), PROGRAMME_TABLE_COLUMNS, rows)


def build(user, filters, limit=None):
    return [weekly_table(user, filters), programme_table(user, filters)]


REPORT = Report(
    name="progress",
    title=_l("Campaign progress"),
    description=_l("Week by week, the annual contracts started, validated, returned and signed, and the share of "
                   "registered students whose contract is signed; then the figures of each programme."),
    build=build,
    chart=Chart("weeks", "starts", ("started", "validated", "returned", "signed"), kind="line"),
)
