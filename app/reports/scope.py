"""The rows every report starts from, narrowed by the access policy and the report's filters.

Which rows a user may count is ``app.policy``'s rule (the same SQL conditions as the contract
list); this module only adds the filters of the page.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Integer

from app import policy
from app.campaign import current_settings
from app.contracts.models import Contract
from app.people.models import Faculty, Programme, Registration
from app.reports.tables import TEXT, Column


def _programme_filter(column, filters):
    conditions = []
    if filters.programme_id is not None:
        conditions.append(column == filters.programme_id)
    if filters.faculty_id is not None:
        conditions.append(column.in_(select(Programme.id).where(Programme.faculty_id == filters.faculty_id)))
    return conditions


def contract_conditions(user, filters, years=None, with_status=True):
    """WHERE conditions on Contract: the user's scope, the year (or ``years``), programme, status."""
    conditions = [policy.counted_contracts(user)]  # anonymised contracts count too (app.privacy)
    conditions.append(Contract.year.in_(years) if years else Contract.year == filters.year)
    conditions += _programme_filter(Contract.programme_id, filters)
    if with_status and filters.status:
        conditions.append(Contract.status == filters.status)
    return conditions


def registration_conditions(user, filters, years=None):
    """Registered students who call for a contract: primary, not cancelled registrations to an active
    programme of a diploma type the settings list, in the user's scope."""
    bearing = select(Programme.id).where(
        Programme.active.is_(True), Programme.diploma_type.in_(current_settings().diploma_type_list)
    )
    conditions = [
        policy.visible_registrations(user),
        Registration.year.in_(years) if years else Registration.year == filters.year,
        Registration.is_primary.is_(True),
        Registration.is_cancelled.is_(False),
        Registration.programme_id.in_(bearing),
    ]
    return conditions + _programme_filter(Registration.programme_id, filters)


# The columns that name a programme in a report's rows.
PROGRAMME_COLUMNS = (Programme.id, Faculty.code, Programme.step_code, Programme.step_version, Programme.label)


def join_programme(query, programme_column, base=None):
    """Join the programme and faculty of each row (for PROGRAMME_COLUMNS); ``base``: the table the
    rows come from, when the query does not name it already."""
    if base is not None:
        query = query.select_from(base)
    return query.join(Programme, programme_column == Programme.id).join(Faculty, Programme.faculty_id == Faculty.id)


def programme_label(row):
    """« L1MATH-101 Licence 1 Mathématiques » from the PROGRAMME_COLUMNS of a row."""
    return f"{Programme.code_of(row.step_code, row.step_version)} {row.label}"


# How a report's table shows them: the faculty's code, then the programme.
PROGRAMME_HEADERS = [Column("faculty", _l("Faculty"), TEXT), Column("programme", _l("Programme"), TEXT)]


def programme_cells(row):
    return row.code, programme_label(row)


class week_number(FunctionElement):
    """The week of ``moment`` counted from ``start`` (a date): 0 for its first seven days.

    SQLite and PostgreSQL count days differently, so the expression is written for each.
    """

    type = Integer()
    inherit_cache = True
    name = "week_number"


@compiles(week_number, "sqlite")
def _week_sqlite(element, compiler, **kw):
    moment, start = list(element.clauses)
    return (f"CAST(((julianday({compiler.process(moment, **kw)}) - julianday({compiler.process(start, **kw)}))"
            " / 7) AS INTEGER)")


@compiles(week_number)
def _week_postgresql(element, compiler, **kw):
    moment, start = list(element.clauses)
    return (f"CAST(FLOOR(EXTRACT(EPOCH FROM ({compiler.process(moment, **kw)}"
            f" - CAST({compiler.process(start, **kw)} AS TIMESTAMP))) / 604800) AS INTEGER)")
