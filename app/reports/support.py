"""4. Remediation and support: contracts with « oui si » remediation by type, hours per remediation,
subject-support hours, courses taken in advance and their ECTS; per programme."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, func, select

from app.catalog.models import Remediation
from app.contracts.models import AdvanceCourse, Contract, ContractRemediation
from app.extensions import db
from app.reports.report import Report
from app.reports.scope import PROGRAMME_COLUMNS, PROGRAMME_HEADERS, contract_conditions, join_programme, programme_cells
from app.reports.tables import COUNT, HOURS, NUMBER, TEXT, Chart, Column, Table

PROGRAMME_TABLE_COLUMNS = [
    *PROGRAMME_HEADERS,
    Column("contracts", _l("Contracts"), COUNT),
    Column("type1", _l("With remediation type 1"), COUNT), Column("type1_hours", _l("Type 1 hours"), HOURS),
    Column("type2", _l("With remediation type 2"), COUNT), Column("type2_hours", _l("Type 2 hours"), HOURS),
    Column("support", _l("With subject support"), COUNT), Column("support_hours", _l("Subject support hours"), HOURS),
    Column("advance", _l("With courses taken in advance"), COUNT),
    Column("courses", _l("Courses taken in advance"), COUNT), Column("ects", _l("ECTS taken in advance"), NUMBER),
]
REMEDIATION_COLUMNS = [
    Column("remediation", _l("Remediation"), TEXT), Column("type", _l("Remediation type"), TEXT),
    Column("contracts", _l("Contracts"), COUNT), Column("hours", _l("Hours"), HOURS),
    Column("average", _l("Average hours per contract"), HOURS),
]


def _number(value):
    return None if value is None else float(value)


def _per_programme(user, filters, query):
    """Run a query grouped by programme (its first columns are PROGRAMME_COLUMNS)."""
    query = join_programme(query, Contract.programme_id).where(
        *contract_conditions(user, filters)).group_by(*PROGRAMME_COLUMNS)
    return db.session.execute(query).all()


def programme_table(user, filters):
    figures = {}
    for row in _per_programme(user, filters, select(
        *PROGRAMME_COLUMNS, func.count(Contract.id),
        func.sum(case((Contract.support_hours > 0, 1), else_=0)), func.sum(Contract.support_hours),
    ).select_from(Contract)):
        figures[row.id] = {"row": row, "contracts": row[-3], "support": row[-2], "support_hours": _number(row[-1])}
    remediations = select(
        *PROGRAMME_COLUMNS,
        *(func.count(distinct(case((Remediation.kind == kind, Contract.id)))) for kind in (1, 2)),
        *(func.sum(case((Remediation.kind == kind, ContractRemediation.hours))) for kind in (1, 2)),
    ).select_from(ContractRemediation).join(Contract, ContractRemediation.contract_id == Contract.id).join(
        Remediation, ContractRemediation.remediation_id == Remediation.id
    )
    for row in _per_programme(user, filters, remediations):
        figures[row.id].update(type1=row[-4], type2=row[-3], type1_hours=_number(row[-2]),
                               type2_hours=_number(row[-1]))
    courses = select(
        *PROGRAMME_COLUMNS, func.count(distinct(Contract.id)), func.count(AdvanceCourse.id), func.sum(AdvanceCourse.ects)
    ).select_from(AdvanceCourse).join(Contract, AdvanceCourse.contract_id == Contract.id)
    for row in _per_programme(user, filters, courses):
        figures[row.id].update(advance=row[-3], courses=row[-2], ects=_number(row[-1]))
    keys = [c.key for c in PROGRAMME_TABLE_COLUMNS[2:]]
    rows = []
    for entry in sorted(figures.values(), key=lambda e: (e["row"].code, e["row"].step_code)):
        row = entry["row"]
        rows.append((*programme_cells(row),
                     *(entry.get(key, None if key.endswith(("hours", "ects")) else 0) for key in keys)))
    return Table("programmes", _l("Per programme"), PROGRAMME_TABLE_COLUMNS, rows)


def remediation_table(user, filters):
    query = (
        select(Remediation.id, Remediation.label, Remediation.kind, func.count(distinct(Contract.id)),
               func.sum(ContractRemediation.hours))
        .select_from(ContractRemediation)
        .join(Contract, ContractRemediation.contract_id == Contract.id)
        .join(Remediation, ContractRemediation.remediation_id == Remediation.id)
        .where(*contract_conditions(user, filters))
        .group_by(Remediation.id, Remediation.label, Remediation.kind)
        .order_by(Remediation.kind, Remediation.label)
    )
    rows = []
    for row in db.session.execute(query):
        hours = _number(row[-1])
        rows.append((row.label, str(row.kind), row[-2], hours, round(hours / row[-2], 1) if row[-2] else None))
    return Table("remediations", _l("Per remediation"), REMEDIATION_COLUMNS, rows)


def build(user, filters, limit=None):
    return [programme_table(user, filters), remediation_table(user, filters)]


REPORT = Report(
    name="support",
    title=_l("Remediation and support"),
    description=_l("Contracts with « oui si » remediation by type and their hours, subject support, and courses "
                   "taken in advance with their ECTS, per programme."),
    build=build,
    chart=Chart("programmes", "programme", ("type1", "type2", "support", "advance")),
)
