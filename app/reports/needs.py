"""3. Specific needs: students per accommodation category, year over year, then per programme with
the hours committed (total and average).

Health-related categories are counted only for the users ``app.policy`` lets see them; for
everyone else, any count under the configured threshold is masked, and so is one more figure of
its category where the masked one could be found back by subtraction.
"""
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select

from app import policy
from app.catalog.models import Accommodation
from app.contracts.labels import year_label
from app.contracts.models import Contract, ContractAccommodation
from app.extensions import db
from app.reports.report import Report
from app.reports.scope import PROGRAMME_COLUMNS, contract_conditions, join_programme, programme_label
from app.reports.tables import COUNT, HOURS, TEXT, Chart, Column, Table, mask_dependents, mask_small

CATEGORY_COLUMNS = (Accommodation.id.label("need_id"), Accommodation.label.label("need_label"),
                    Accommodation.label_en, Accommodation.position)
DETAIL_COLUMNS = [
    Column("need", _l("Specific need"), TEXT), Column("faculty", _l("Faculty"), TEXT),
    Column("programme", _l("Programme"), TEXT), Column("students", _l("Students"), COUNT),
    Column("hours", _l("Hours committed"), HOURS), Column("average", _l("Average hours per student"), HOURS),
]


def threshold_for(user):
    """0 (nothing masked) for the users who see health figures, the configured threshold otherwise."""
    return 0 if policy.sees_health_statistics(user) else current_app.config["REPORT_MASK_THRESHOLD"]


def _category_label(row):
    return row.label_en if str(get_locale()) == "en" and row.label_en else row.need_label


def _needs_query(user, filters, years, *columns):
    query = (
        select(*CATEGORY_COLUMNS, *columns)
        .join(ContractAccommodation, ContractAccommodation.accommodation_id == Accommodation.id)
        .join(Contract, ContractAccommodation.contract_id == Contract.id)
        .where(*contract_conditions(user, filters, years=years))
    )
    if not policy.sees_health_statistics(user):
        query = query.where(Accommodation.health_related.is_(False))
    return query


def years_table(user, filters):
    """Students per category (rows) and year (columns): what the chart shows."""
    years = filters.years
    query = _needs_query(user, filters, years, Contract.year, func.count(distinct(Contract.student_id)))
    counts, categories = {}, {}
    for row in db.session.execute(query.group_by(*CATEGORY_COLUMNS, Contract.year)):
        categories[row.need_id] = row
        counts[(row.need_id, row.year)] = row[-1]
    rows = [
        (_category_label(row), *(counts.get((need_id, year), 0) for year in years))
        for need_id, row in sorted(categories.items(), key=lambda item: (item[1].position, item[0]))
    ]
    threshold = threshold_for(user)
    if threshold:
        rows = mask_small(rows, range(1, len(years) + 1), threshold)
    columns = [Column("need", _l("Specific need"), TEXT)] + [
        Column(f"y{year}", year_label(year), COUNT) for year in years
    ]
    return Table("years", _l("Students per specific need, year over year"), columns, rows)


def detail_table(user, filters):
    """Per category and programme, the selected year: students and the hours committed."""
    query = _needs_query(
        user, filters, None, *PROGRAMME_COLUMNS, func.count(distinct(Contract.student_id)),
        func.sum(ContractAccommodation.hours), func.avg(ContractAccommodation.hours),
    )
    query = join_programme(query, Contract.programme_id)
    result = db.session.execute(query.group_by(*CATEGORY_COLUMNS, *PROGRAMME_COLUMNS)).all()
    result.sort(key=lambda r: (r.position, r.need_id, r.code, r.step_code))
    rows = [
        (_category_label(r), r.code, programme_label(r), r[-3],
         None if r[-2] is None else float(r[-2]), None if r[-1] is None else round(float(r[-1]), 1))
        for r in result
    ]
    threshold = threshold_for(user)
    if threshold:
        rows = mask_dependents(mask_small(rows, [3], threshold, groups=0), 3, [4, 5])
    return Table("detail", _l("Per programme, %(year)s", year=year_label(filters.year)), DETAIL_COLUMNS, rows)


def build(user, filters, limit=None):
    tables = [years_table(user, filters), detail_table(user, filters)]
    threshold = threshold_for(user)
    if threshold:
        tables[0].note = _l("Counts under %(num)s are masked: small numbers identify people.", num=threshold)
    return tables


REPORT = Report(
    name="needs",
    title=_l("Specific needs"),
    description=_l("Students per specific need, year over year, and per programme with the hours committed."),
    build=build,
    chart=Chart("years", "need", None),
)
