"""The staff list's data: one page of contracts in a few narrow statements, whatever the table's size.

A page is read in one statement: an inner query picks the page's ids from the contract table alone
(plus the student or programme when sorting by them), under the policy's rule and the search;
the outer query loads those rows with what the list shows. The total is counted up to ``COUNT_CAP``
only (the page then says « more than »). Deep pages are reached by keyset (``after``/``before``:
the sort key of the last or first row shown), so their cost does not grow with the page number.
"""
import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import String, cast, func, literal, select, tuple_, union_all

from app import policy
from app.campaign import current_year
from app.catalog.models import Accommodation, Settings
from app.contracts import late_cache
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import (
    DetuAssignment,
    Faculty,
    Programme,
    RegistrarAssignment,
    Registration,
    Student,
    TeacherAssignment,
)
from app.ui.datamodel import COUNT_CAP  # every list counts as far as the same cap

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Sort:
    columns: tuple
    joins: tuple = ()


SORTS = {
    "student_name": Sort((Student.last_name, Student.first_name), (Student,)),
    "student_number": Sort((Student.student_number,), (Student,)),
    "programme": Sort((Programme.step_code, Programme.step_version), (Programme,)),
    "year": Sort((Contract.year,)),
    "status": Sort((Contract.status,)),
    "updated_at": Sort((Contract.updated_at,)),
}
DEFAULT_SORT = ("student_name", "asc")
# What a row prints, as plain columns: contract objects would cost more to build than the page's SQL.
ROW_COLUMNS = (
    Contract.id, Student.student_number, Student.last_name, Student.first_name, Programme.step_code,
    Programme.step_version, Contract.year, Contract.kind, Contract.status, Contract.updated_at,
    Registration.is_repeating,
)
_JOINS = {Student: Student.id == Contract.student_id, Programme: Programme.id == Contract.programme_id}


@dataclass
class Page:
    rows: list  # ROW_COLUMNS, by name: row.id, row.last_name…
    count: int  # exact, unless ``capped`` (then: more than COUNT_CAP)
    capped: bool
    number: int  # 0-based, as Flask-AppBuilder counts pages
    size: int
    next_cursor: str = None  # the next page by keyset, when there is one
    previous_cursor: str = None  # the previous page by keyset, when there is one
    ignored: list = field(default_factory=list)

    @property
    def last_number(self):
        """The last page that offsets can reach (the count is exact up to there)."""
        return max((min(self.count, COUNT_CAP) - 1) // self.size, 0)


@dataclass
class _Window:
    """Which rows a page shows: a sort, its direction, and where it starts."""

    name: str
    direction: str
    size: int
    number: int = 0
    cursor: list = None  # the sort key the page starts after (or ends before)
    backwards: bool = False  # ``before``: the rows just before the cursor

    @property
    def sort(self):
        return SORTS[self.name]

    @property
    def keys(self):
        return self.sort.columns + (Contract.id,)

    @property
    def ascending(self):
        return (self.direction == "asc") != self.backwards


def _window(order, number, size, after, before, ignored):
    name, direction = order
    if name not in SORTS or direction not in ("asc", "desc"):
        ignored.append("order")
        name, direction = DEFAULT_SORT
    window = _Window(name, direction, min(max(size, 1), MAX_PAGE_SIZE), number)
    window.cursor = _decode(after or before, window)
    window.backwards = window.cursor is not None and not after
    return window


def _picked_ids(matching, window):
    """The page's ids and sort keys: the contract table alone, plus what the sort needs."""
    ids = matching.add_columns(*(c.label(f"k{i}") for i, c in enumerate(window.sort.columns)))
    for table in window.sort.joins:
        ids = ids.join(table, _JOINS[table])
    keys, start = tuple_(*window.keys), window.cursor
    if start is not None:
        ids = ids.where(keys > tuple_(*start) if window.ascending else keys < tuple_(*start))
    # One row more than the page: it tells whether there is a page beyond.
    ids = ids.order_by(*(k.asc() if window.ascending else k.desc() for k in window.keys)).limit(window.size + 1)
    if start is None and window.number:
        ids = ids.offset(window.number * window.size)
    return ids.subquery()


def fetch_page(user, search, order=DEFAULT_SORT, number=0, size=50, after=None, before=None):
    """The page of ``search``'s contracts that ``user`` may read.

    ``order`` is (sort name, "asc"|"desc"); ``after``/``before`` are cursors from a previous page
    (they win over ``number``; one from another sort is ignored). An unknown sort is reported."""
    ignored = []
    window = _window(order, number, size, after, before, ignored)
    matching = search.apply(select(Contract.id).where(policy.visible_contracts(user)))
    picked = _picked_ids(matching, window)
    # The capped count rides along as an uncorrelated scalar subquery: evaluated once.
    capped_count = select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery()).scalar_subquery()
    key_columns = [picked.c[f"k{i}"] for i in range(len(window.sort.columns))] + [picked.c.id.label("key_id")]
    result = db.session.execute(
        select(*ROW_COLUMNS, capped_count.label("total"), *key_columns)
        .join(picked, picked.c.id == Contract.id)
        .join(Student, Student.id == Contract.student_id)
        .join(Programme, Programme.id == Contract.programme_id)
        .outerjoin(Registration, Registration.id == Contract.registration_id)
        .order_by(*(c.asc() if window.direction == "asc" else c.desc() for c in key_columns))
    ).all()
    more = len(result) > window.size
    if more:
        result = result[1:] if window.backwards else result[:window.size]
    count = result[0].total if result else _count_without_rows(capped_count, window)
    page = Page(rows=result, count=min(count, COUNT_CAP + 1), capped=count > COUNT_CAP,
                number=number, size=window.size, ignored=ignored)
    if result:
        keys = len(ROW_COLUMNS) + 1
        _set_cursors(page, window, [row[keys:] for row in (result[0], result[-1])], more)
    return page


def _count_without_rows(capped_count, window):
    """An empty page says nothing about the total: ask for it (rare), unless it is the first page."""
    if window.cursor is None and not window.number:
        return 0
    return db.session.scalar(select(capped_count))


def _set_cursors(page, window, edges, more):
    """Keyset links from the first and last rows shown: backwards, a next page always exists."""
    first, last = (_encode(window.name, values) for values in edges)
    if (window.backwards and more) or (not window.backwards and (page.number > 0 or window.cursor is not None)):
        page.previous_cursor = first
    if more or window.backwards:
        page.next_cursor = last


def _encode(name, values):
    plain = [name] + [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode("utf-8")).decode("ascii").rstrip("=")


def _decode(token, window):
    """The sort key a cursor carries, typed like the window's keys; None when it is not one of
    ours or belongs to another sort (a sortable header keeps the other arguments)."""
    if not token or len(token) > 2000:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(window.keys) + 1 or values[0] != window.name:
        return None
    typed = [_typed(value, key.type.python_type) for value, key in zip(values[1:], window.keys)]
    return None if any(v is _INVALID for v in typed) else typed


_INVALID = object()


def _typed(value, kind):
    if kind is datetime and isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return _INVALID
    if isinstance(value, kind) and not isinstance(value, bool) and _in_range(value):
        return value
    return _INVALID


def _in_range(value):
    return not isinstance(value, int) or -(2**31) < value < 2**31


# --- the search form's choices -------------------------------------------------------------------


@dataclass
class Options:
    programmes: list = field(default_factory=list)  # (id, code, label, faculty id)
    faculties: list = field(default_factory=list)  # (id, code, label)
    needs: list = field(default_factory=list)  # (id, label, label in English)
    years: list = field(default_factory=list)
    regimes: list = field(default_factory=list)  # (code, label)


def _choices(kind, key, code, label, extra=None, parent=None):
    """One kind of choice, in the six columns every kind shares (so they travel in one statement)."""
    return select(
        literal(kind).label("kind"), cast(key, String).label("key"), cast(code, String).label("code"),
        cast(label, String).label("label"), cast(extra, String).label("extra"), cast(parent, String).label("parent"),
    )


def _distinct(column, label=None):
    """The distinct values of an indexed column by walking its index (one probe per value),
    not by reading the table: régimes and years over hundreds of thousands of rows."""
    walk = select(func.min(column).label("value")).cte(f"walk_{column.table.name}_{column.name}", recursive=True)
    walk = walk.union_all(select(select(func.min(column)).where(column > walk.c.value).scalar_subquery())
                          .where(walk.c.value.is_not(None)))
    label_of = None
    if label is not None:
        label_of = select(func.min(label)).where(column == walk.c.value).scalar_subquery()
    return walk, label_of


def filter_options(user):
    """What the search form offers this user: programmes of contracts they may read (and their
    faculties), the specific needs that are not health-related, the years, the régimes."""
    programmes = (
        _choices("programme", Programme.id, Programme.step_code + "-" + Programme.step_version, Programme.label,
                 Faculty.code + "\t" + Faculty.label, Faculty.id)
        .join(Faculty, Faculty.id == Programme.faculty_id)
        # Derived from the policy's rule: an index probe per programme, whatever the table's size.
        .where(Programme.id.in_(select(Contract.programme_id).where(policy.visible_contracts(user))))
    )
    # Health-related needs are never a selection key (data protection).
    needs = _choices("need", Accommodation.id, Accommodation.code, Accommodation.label, Accommodation.label_en,
                     Accommodation.position).where(Accommodation.health_related.is_(False))
    years, _ = _distinct(Contract.year)
    regimes, regime_label = _distinct(Registration.regime_code, Registration.regime_label)
    statement = union_all(
        programmes, needs,
        _choices("year", years.c.value, years.c.value, years.c.value).where(years.c.value.is_not(None)),
        _choices("regime", regimes.c.value, regimes.c.value, regime_label).where(regimes.c.value.is_not(None)),
    )
    options, faculties = Options(), {}
    for kind, key, code, label, extra, parent in db.session.execute(statement):
        if kind == "programme":
            faculty_code, faculty_label = extra.split("\t", 1)
            options.programmes.append((int(key), code, label, int(parent)))
            faculties[int(parent)] = (int(parent), faculty_code, faculty_label)
        elif kind == "need":
            options.needs.append((int(key), label, extra, int(parent)))
        elif kind == "year":
            options.years.append(int(key))
        else:
            options.regimes.append((key, label or key))
    options.programmes.sort(key=lambda p: p[1])
    options.faculties = sorted(faculties.values(), key=lambda f: f[1])
    options.needs = [n[:3] for n in sorted(options.needs, key=lambda n: (n[3], n[0]))]
    options.years.sort(reverse=True)
    options.regimes.sort()
    return options


# What the search choices and the default year derive from (one listener clears every late cache).
late_cache.drop_on_change((Programme, Faculty, Accommodation, Contract, Registration, DetuAssignment, TeacherAssignment,
                           RegistrarAssignment, Settings))


def default_year():
    """The year the list shows when none is asked for: the campaign's, kept a minute per process
    (``late_cache``; the settings' page drops it at once in its own process). A default only: the
    rows always come through the policy."""
    return late_cache.of_app(current_app, "default_year").get("year", current_year)


def cached_filter_options(user):
    """``filter_options``, kept a minute per user and roles (``late_cache``: choices, never rows)."""
    cache = late_cache.of_app(current_app, "contract_filter_options")
    return cache.get((user.id, policy.roles_of(user)), lambda: filter_options(user))


# --- waiting for a signature ----------------------------------------------------------------------


def next_to_sign(user, after=None):
    """The id of the next contract waiting for this user's signature, oldest validation first;
    after ``after`` (a contract id) when given, then from the start again."""
    order = (func.coalesce(Contract.submitted_at, Contract.created_at), Contract.id)
    waiting = select(Contract.id).where(policy.awaiting_signature(user)).order_by(*order).limit(1)
    current = policy.readable_contract(user, after) if after else None
    if current is not None:
        key = (current.submitted_at or current.created_at, current.id)
        following = db.session.scalar(waiting.where(tuple_(*order) > tuple_(*key)))
        if following is not None:
            return following
        return db.session.scalar(waiting.where(Contract.id != current.id))
    return db.session.scalar(waiting)
