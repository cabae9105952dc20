"""The staff dashboard's figures: the user's scope for a year, what they have to do, and the
contracts per programme and status."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.contracts.labels import STATUS_LABELS
from app.contracts.models import RETURNED, SIGNED, STATUSES, Contract
from app.extensions import db
from app.people.models import Registration
from app.reports.pending import with_initial_contract
from app.reports.scope import (
    PROGRAMME_COLUMNS,
    contract_conditions,
    join_programme,
    programme_label,
    registration_conditions,
)
from app.reports.tables import COUNT, LINK, TEXT, Chart, Column, Link, Table, share


@dataclass
class ToDo:
    to_sign: int  # contracts of the year waiting for the user's signature (None: not a director of studies)
    returned: int
    not_started: int


def status_table(user, filters):
    """Contracts per programme and status (every kind), with links to the filtered list."""
    query = join_programme(select(*PROGRAMME_COLUMNS, Contract.status, func.count()), Contract.programme_id, Contract)
    query = query.where(*contract_conditions(user, filters, with_status=False)).group_by(
        *PROGRAMME_COLUMNS, Contract.status)
    programmes = {}
    for row in db.session.execute(query):
        programmes.setdefault(row.id, [row, dict.fromkeys(STATUSES, 0)])[1][row.status] = row[-1]
    rows = []
    for row, counts in sorted(programmes.values(), key=lambda e: (e[0].step_code, e[0].step_version)):
        link = Link(programme_label(row), f"/contracts/list/?programme={row.id}&year={filters.year}")
        rows.append((link, *(counts[s] for s in STATUSES), sum(counts.values())))
    columns = [Column("programme", _l("Programme"), LINK)] + [
        Column(s, STATUS_LABELS[s], COUNT) for s in STATUSES
    ] + [Column("total", _l("Total"), COUNT)]
    return Table("programmes", _l("Contracts by programme and status"), columns, rows)


def totals_table(status_rows):
    """Contracts per status over the whole scope: the chart's table."""
    columns = [Column("status", _l("Status"), TEXT), Column("contracts", _l("Contracts"), COUNT)]
    rows = [(str(STATUS_LABELS[s]), sum(r[1 + i] for r in status_rows)) for i, s in enumerate(STATUSES)]
    return Table("statuses", _l("Contracts by status"), columns, rows)


CHART = Chart("statuses", "status", ("contracts",))


@dataclass
class Progress:
    registered: int  # registered students who call for a contract (scope.registration_conditions)
    signed: int  # of whom with a signed annual contract
    not_started: int  # of whom with no annual contract yet

    @property
    def rate(self):
        return share(self.signed, self.registered)


def progress(user, filters):
    """The registrations of the scope and their annual contracts, in one pass over them."""
    row = db.session.execute(with_initial_contract(
        select(func.count(), func.count(Contract.id).filter(Contract.status == SIGNED),
               func.count().filter(Contract.id.is_(None))).select_from(Registration)
    ).where(*registration_conditions(user, filters))).one()
    return Progress(*row)


def to_do(user, filters, status_rows, progress):
    counts = {s: sum(r[1 + i] for r in status_rows) for i, s in enumerate(STATUSES)}
    to_sign = None
    if policy.signs_contracts(user):
        to_sign = db.session.scalar(select(func.count()).select_from(Contract).where(
            *contract_conditions(user, filters, with_status=False), policy.awaiting_signature(user)))
    return ToDo(to_sign, counts[RETURNED], progress.not_started)
