"""5. Students' profiles: repeating, régime d'inscription, césure, double inscription and
reorientations, per programme, among the contracts of the year (with the registration each
contract was generated from)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from app.contracts.models import REORIENTATION, Contract
from app.extensions import db
from app.people.models import Registration
from app.reports.report import Report
from app.reports.scope import PROGRAMME_COLUMNS, PROGRAMME_HEADERS, contract_conditions, join_programme, programme_cells
from app.reports.tables import COUNT, TEXT, Chart, Column, Table

PROFILE_COLUMNS = [
    *PROGRAMME_HEADERS,
    Column("contracts", _l("Contracts"), COUNT), Column("repeating", _l("Repeating"), COUNT),
    Column("gap_semester", _l("Gap semester"), COUNT), Column("gap_year", _l("Gap year"), COUNT),
    Column("double", _l("Double enrolment"), COUNT), Column("reorientation", _l("Reorientation contracts"), COUNT),
]
REGIME_COLUMNS = [
    *PROGRAMME_HEADERS,
    Column("regime", _l("Enrolment scheme"), TEXT), Column("contracts", _l("Contracts"), COUNT),
]


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _grouped(user, filters, *columns, group_by=()):
    query = (
        join_programme(select(*PROGRAMME_COLUMNS, *columns), Contract.programme_id, Contract)
        .outerjoin(Registration, Contract.registration_id == Registration.id)
        .where(*contract_conditions(user, filters))
        .group_by(*PROGRAMME_COLUMNS, *group_by)
    )
    rows = db.session.execute(query).all()
    return sorted(rows, key=lambda r: (r.code, r.step_code, tuple(str(r[i] or "") for i in range(5, 5 + len(group_by)))))


def profile_table(user, filters):
    rows = _grouped(
        user, filters, func.count(Contract.id), _count_if(Registration.is_repeating.is_(True)),
        _count_if(Contract.gap_year == "semester"), _count_if(Contract.gap_year == "year"),
        _count_if(Contract.second_programme_label != ""), _count_if(Contract.kind == REORIENTATION),
    )
    return Table("programmes", _l("Per programme"), PROFILE_COLUMNS,
                 [(*programme_cells(r), *(n or 0 for n in r[5:])) for r in rows])


def regime_table(user, filters):
    regime = func.coalesce(Registration.regime_label, "")
    rows = _grouped(user, filters, regime.label("regime"), func.count(Contract.id), group_by=(regime,))
    unknown = str(_l("Unknown"))
    return Table("regimes", _l("Enrolment schemes"), REGIME_COLUMNS,
                 [(*programme_cells(r), r.regime or unknown, r[-1]) for r in rows])


def build(user, filters, limit=None):
    return [profile_table(user, filters), regime_table(user, filters)]


REPORT = Report(
    name="profiles",
    title=_l("Students' profiles"),
    description=_l("Repeating students, enrolment schemes, gap periods, double enrolments and reorientation "
                   "contracts, per programme."),
    build=build,
    chart=Chart("programmes", "programme", ("repeating", "gap_semester", "gap_year", "double", "reorientation")),
)
