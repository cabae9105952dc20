"""The contract list's ``q`` argument: filters, pages and the read-forward-by-id cursor.

``q`` is rison (``(filters:!((col:status,opr:eq,value:signed)),page_size:100)``) or the same
object in JSON. Its JSON schema (``LIST_QUERY_SCHEMA``) is published in the OpenAPI document and
checked before anything else: every value that reaches the database has been typed and
range-checked here, so a bad request answers 400 with a reason, never a 500.
"""
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import jsonschema
import prison
from sqlalchemy import select

from app import academic_year
from app.contracts.models import KINDS, STATUSES, Contract
from app.people.models import Faculty, Programme, Student

MAX_ID = 2**31 - 1  # ids are INTEGER columns (PostgreSQL refuses a larger value: a 500)
MAX_OFFSET = 2**31 - 1  # so are LIMIT and OFFSET as SQLAlchemy binds them
MAX_FILTERS = 20
MAX_IN_VALUES = 100
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_Q_LENGTH = 8000

_CODE = {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,32}$", "example": "L1MATH-101"}
_YEAR = {"type": "integer", "minimum": academic_year.FIRST, "maximum": academic_year.LAST, "example": 2026}
_INSTANT = {"type": "string", "format": "date-time", "example": "2026-09-01T00:00:00Z"}


def _in_ids(column, subquery_column, condition_of):
    """A condition ``column IN (SELECT … WHERE …)``: filters on related codes need no join."""
    return lambda values: column.in_(select(subquery_column).where(condition_of(values)))


def _programme_code(values):
    return (Programme.step_code + "-" + Programme.step_version).in_(values)


# column → (value schema, operators, SQL condition of a list of values for eq/in)
FILTERS = {
    "year": (_YEAR, ("eq", "in", "gt", "lt"), lambda values: Contract.year.in_(values)),
    "status": ({"type": "string", "enum": list(STATUSES)}, ("eq", "in"), Contract.status.in_),
    "kind": ({"type": "string", "enum": list(KINDS)}, ("eq", "in"), Contract.kind.in_),
    "created_at": (_INSTANT, ("gt", "lt"), None),
    "updated_at": (_INSTANT, ("gt", "lt"), None),
    "submitted_at": (_INSTANT, ("gt", "lt"), None),
    "signed_at": (_INSTANT, ("gt", "lt"), None),
    "programme_code": (_CODE, ("eq", "in"), _in_ids(Contract.programme_id, Programme.id, _programme_code)),
    "faculty_code": (
        {**_CODE, "example": "SCI"}, ("eq", "in"),
        _in_ids(Contract.programme_id, Programme.id,
                lambda values: Programme.faculty_id.in_(select(Faculty.id).where(Faculty.code.in_(values)))),
    ),
    "student_number": (
        {**_CODE, "example": "22600001"}, ("eq", "in"),
        _in_ids(Contract.student_id, Student.id, Student.student_number.in_),
    ),
}


def _filter_schema(column, value_schema, operators):
    """The alternatives for one column: a scalar for eq/gt/lt, a non-empty array for in."""
    scalar_ops = [op for op in operators if op != "in"]
    alternatives = []
    if scalar_ops:
        alternatives.append({
            "type": "object",
            "properties": {"col": {"type": "string", "enum": [column]},
                           "opr": {"type": "string", "enum": scalar_ops}, "value": value_schema},
            "required": ["col", "opr", "value"], "additionalProperties": False,
        })
    if "in" in operators:
        alternatives.append({
            "type": "object",
            "properties": {"col": {"type": "string", "enum": [column]}, "opr": {"type": "string", "enum": ["in"]},
                           "value": {"type": "array", "items": value_schema, "minItems": 1,
                                     "maxItems": MAX_IN_VALUES}},
            "required": ["col", "opr", "value"], "additionalProperties": False,
        })
    return alternatives


LIST_QUERY_SCHEMA = {
    "type": "object",
    "description": (
        "Rison (or JSON) object. Results are always in ascending id order. Read forward by id: "
        "ask again with after_id set to the previous answer's next_after_id until it is null."
    ),
    "properties": {
        "filters": {
            "type": "array", "maxItems": MAX_FILTERS,
            "items": {"oneOf": [alt for column, (schema, ops, _) in FILTERS.items()
                                for alt in _filter_schema(column, schema, ops)]},
        },
        "after_id": {"type": "integer", "minimum": 0, "maximum": MAX_ID,
                     "description": "Only contracts whose id is greater (the read-forward cursor)."},
        "page": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET // MAX_PAGE_SIZE - 1,
                 "description": "Page number from 0 (offset paging; prefer after_id for deep reads)."},
        "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                      "description": f"Default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}."},
        "order_column": {"type": "string", "enum": ["id"], "description": "Only id (kept for FAB clients)."},
        "order_direction": {"type": "string", "enum": ["asc"], "description": "Only asc."},
    },
    "additionalProperties": False,
    "example": {"filters": [{"col": "updated_at", "opr": "gt", "value": "2026-09-01T00:00:00Z"}],
                "after_id": 0, "page_size": 100},
}


# Checked once here: jsonschema.validate() would check the schema itself at every request.
_VALIDATOR = jsonschema.Draft7Validator(LIST_QUERY_SCHEMA)


class BadQuery(ValueError):
    """A value the schema lets through but the database cannot use (e.g. an impossible date)."""


def parse_instant(text):
    """An RFC 3339 date-time as naive UTC (the database's convention); no zone means UTC."""
    try:
        moment = datetime.fromisoformat(text[:-1] + "Z" if text.endswith("z") else text)
    except ValueError:
        raise BadQuery(f"Not a date-time (RFC 3339, e.g. 2026-09-01T00:00:00Z): {text!r}") from None
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the offset
        return datetime.min if moment.year == 1 else datetime.max


def _within_alternatives(error):
    """For a filter (one of the alternatives, one per column and operator kind), the error of the
    alternative it meant (its column, then its operator) rather than "not valid under any"."""
    if not error.context:
        return error

    def wrong(field):
        return {e.schema_path[0] for e in error.context if list(e.relative_path)[:1] == [field]}
    meant = [e for e in error.context if e.schema_path[0] not in wrong("col")]
    closer = [e for e in meant if e.schema_path[0] not in wrong("opr")]
    operator = [e for e in meant if list(e.relative_path)[:1] == ["opr"]]
    return jsonschema.exceptions.best_match(closer or operator) or error


def parse_q(raw):
    """The ``q`` argument (rison, or JSON) as checked data; raises BadQuery."""
    if not raw:
        return {}
    if len(raw) > MAX_Q_LENGTH:
        raise BadQuery(f"q is longer than {MAX_Q_LENGTH} characters.")
    try:
        value = json.loads(raw) if raw.lstrip().startswith("{") else prison.loads(raw)
    except Exception:  # noqa: BLE001 - prison fails in many ways (RecursionError on "(((", IndexError…)
        raise BadQuery("q is neither rison nor JSON.") from None
    error = jsonschema.exceptions.best_match(_VALIDATOR.iter_errors(value))
    if error is not None:
        error = _within_alternatives(error)
        where = "/".join(str(part) for part in error.absolute_path)
        raise BadQuery(f"q does not follow the ContractListQuery schema at '{where}': {error.message}")
    return value


@dataclass
class ContractQuery:
    conditions: list = field(default_factory=list)
    after_id: int = 0
    page: int = 0
    page_size: int = DEFAULT_PAGE_SIZE

    cursor: bool = False  # after_id was given: a read forward by id

    @classmethod
    def from_q(cls, raw):
        """Build from the raw ``q`` argument; raises BadQuery."""
        args = parse_q(raw)
        query = cls(
            cursor="after_id" in args,
            after_id=args.get("after_id", 0),
            page=args.get("page", 0),
            page_size=args.get("page_size", DEFAULT_PAGE_SIZE),
        )
        for item in args.get("filters", []):
            query.conditions.append(_condition(item["col"], item["opr"], item["value"]))
        return query

    @property
    def offset(self):
        return self.page * self.page_size


def _condition(column, operator, value):
    if column.endswith("_at"):
        attribute = getattr(Contract, column)
        moment = parse_instant(value)
        return attribute > moment if operator == "gt" else attribute < moment
    if operator in ("gt", "lt"):  # year
        return Contract.year > value if operator == "gt" else Contract.year < value
    values = value if operator == "in" else [value]
    return FILTERS[column][2](values)
