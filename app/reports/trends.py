"""6. Year over year: the headline figures of the other reports for the last five years."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, distinct, func, select

from app import policy
from app.catalog.models import Accommodation
from app.contracts.labels import year_label
from app.contracts.models import INITIAL, REORIENTATION, SIGNED, Contract, ContractAccommodation, ContractRemediation
from app.extensions import db
from app.people.models import Registration
from app.reports.needs import threshold_for
from app.reports.pending import with_initial_contract
from app.reports.report import Report
from app.reports.scope import contract_conditions, registration_conditions
from app.reports.tables import COUNT, HOURS, PERCENT, TEXT, Chart, Column, Table, mask_small, share

COLUMNS = [
    Column("year", _l("Academic year"), TEXT), Column("registered", _l("Registered students"), COUNT),
    Column("started", _l("Contracts started"), COUNT), Column("not_started", _l("Not started"), COUNT),
    Column("signed", _l("Signed"), COUNT), Column("signed_share", _l("Signed (%)"), PERCENT),
    Column("needs", _l("Students with specific needs"), COUNT),
    Column("remediation", _l("Contracts with remediation"), COUNT),
    Column("support_hours", _l("Subject support hours"), HOURS),
    Column("repeating", _l("Repeating"), COUNT), Column("reorientation", _l("Reorientation contracts"), COUNT),
]


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _by_year(query, year_column):
    return {row[0]: row[1:] for row in db.session.execute(query.group_by(year_column))}


def build(user, filters, limit=None):
    years = filters.years
    registrations = _by_year(with_initial_contract(
        select(Registration.year, func.count(), func.count() - func.count(Contract.id)).select_from(Registration)
    ).where(*registration_conditions(user, filters, years=years)), Registration.year)
    contracts = _by_year(select(
        Contract.year, _count_if(Contract.kind == INITIAL),
        _count_if((Contract.kind == INITIAL) & (Contract.status == SIGNED)), func.sum(Contract.support_hours),
        _count_if(Registration.is_repeating.is_(True)), _count_if(Contract.kind == REORIENTATION),
    ).outerjoin(Registration, Contract.registration_id == Registration.id).where(
        *contract_conditions(user, filters, years=years)), Contract.year)
    needs_query = select(Contract.year, func.count(distinct(Contract.student_id))).select_from(
        ContractAccommodation).join(Contract, ContractAccommodation.contract_id == Contract.id).where(
        *contract_conditions(user, filters, years=years))
    if not policy.sees_health_statistics(user):
        needs_query = needs_query.join(
            Accommodation, ContractAccommodation.accommodation_id == Accommodation.id
        ).where(Accommodation.health_related.is_(False))
    needs = _by_year(needs_query, Contract.year)
    remediation = _by_year(select(Contract.year, func.count(distinct(Contract.id))).select_from(
        ContractRemediation).join(Contract, ContractRemediation.contract_id == Contract.id).where(
        *contract_conditions(user, filters, years=years)), Contract.year)
    rows = []
    for year in years:
        registered, not_started = registrations.get(year, (0, 0))
        started, signed, support, repeating, reorientation = contracts.get(year, (0, 0, None, 0, 0))
        rows.append((
            year_label(year), registered, started or 0, not_started or 0, signed or 0, share(signed, registered),
            needs.get(year, (0,))[0], remediation.get(year, (0,))[0],
            None if support is None else float(support), repeating or 0, reorientation or 0,
        ))
    threshold = threshold_for(user)
    if threshold:
        rows = mask_small(rows, [6], threshold)
    return [Table("years", _l("Headline figures, last five years"), COLUMNS, rows)]


REPORT = Report(
    name="trends",
    title=_l("Year over year"),
    description=_l("The headline figures of the other reports for the last five years."),
    build=build,
    chart=Chart("years", "year", ("registered", "started", "not_started", "signed"), kind="line"),
)
