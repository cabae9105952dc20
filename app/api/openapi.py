"""The OpenAPI document says the truth: the schemas of what the API answers, and the spec view.

Schemas are written here in OpenAPI 3.0's JSON Schema dialect (enums, formats, nullables) rather
than generated from the models, because the answers are shaped by ``resource``, not by columns.
"""
from flask import current_app, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.api.manager import OpenApi
from flask_appbuilder.security.decorators import protect

from app.api.errors import KeyErrors
from app.api.query import LIST_QUERY_SCHEMA, MAX_ID, MAX_PAGE_SIZE
from app.catalog.models import GAP_YEAR_CHOICES
from app.contracts.models import KINDS, STATUSES


def _obj(properties, required=None, **extra):
    return {"type": "object", "properties": properties, "required": required or list(properties),
            "additionalProperties": False, **extra}


STRING = {"type": "string"}
TEXT = {"type": "string", "description": "Plain text as typed (may be empty)."}
INSTANT = {"type": "string", "format": "date-time", "nullable": True, "example": "2026-09-15T08:30:00+00:00"}
NUMBER = {"type": "number", "nullable": True, "example": 12.5}
HASH = {"type": "string", "nullable": True, "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 of the content."}
STATUS = {"type": "string", "enum": list(STATUSES)}
NAME = {"type": "string", "nullable": True, "description": "A person's full name."}

SCHEMAS = {
    "ContractListQuery": LIST_QUERY_SCHEMA,
    "Message": _obj({"message": {"oneOf": [STRING, {"type": "object"}]}}),
    "Faculty": _obj({"code": STRING, "label": STRING}),
    "Programme": _obj({
        "code": {"type": "string", "example": "L1MATH-101", "description": "Apogée VET: step code and version."},
        "step_code": {"type": "string", "example": "L1MATH"}, "step_version": {"type": "string", "example": "101"},
        "label": STRING, "level": {"type": "integer", "nullable": True, "example": 1},
        "faculty": {"$ref": "#/components/schemas/Faculty"},
    }),
    "Student": _obj({"student_number": {"type": "string", "example": "22600001"}, "last_name": STRING,
                     "first_name": STRING}),
    "ContractSummary": _obj({
        "id": {"type": "integer", "format": "int32", "minimum": 1, "example": 25},
        "year": {"type": "integer", "example": 2026, "description": "Academic year: 2026 is 2026-2027."},
        "kind": {"type": "string", "enum": list(KINDS)}, "status": STATUS,
        "version": {"type": "integer", "description": "Increases at every change of the contract."},
        "student": {"$ref": "#/components/schemas/Student"},
        "programme": {"$ref": "#/components/schemas/Programme"},
        "created_at": INSTANT, "updated_at": INSTANT, "submitted_at": INSTANT, "signed_at": INSTANT,
        "url": {"type": "string", "example": "/api/v1/contracts/25"},
    }),
    "ContractList": _obj({
        "count": {"type": "integer", "nullable": True,
                  "description": "How many contracts match the filters; null when after_id is given."},
        "ids": {"type": "array", "items": {"type": "integer", "format": "int32"}},
        "result": {"type": "array", "items": {"$ref": "#/components/schemas/ContractSummary"}},
        "next_after_id": {"type": "integer", "format": "int32", "nullable": True,
                          "description": "The after_id of the next page; null on the last page."},
        "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        "as_of": {**INSTANT, "nullable": False,
                  "description": "The server's time when the answer was read (for the next incremental pull)."},
    }),
    "Registration": _obj({
        "is_primary": {"type": "boolean"}, "profile_code": {"type": "string", "nullable": True},
        "regime_code": {"type": "string", "nullable": True}, "regime_label": {"type": "string", "nullable": True},
        "is_repeating": {"type": "boolean"}, "enrolment_count": {"type": "integer"},
    }, nullable=True, description="The administrative registration the contract comes from (Apogée IA)."),
    "Need": _obj({"code": STRING, "label": STRING, "health_related": {"type": "boolean"},
                  "hours": {**NUMBER, "description": "Hour volume set by the director of studies."}}),
    "Remediation": _obj({"id": {"type": "integer"}, "label": STRING, "kind": {"type": "integer", "enum": [1, 2]},
                         "hours": NUMBER}),
    "AdvanceCourse": _obj({"code": STRING, "label": STRING, "ects": NUMBER}),
    "SecondProgramme": _obj({"label": STRING, "level": STRING, "institution": STRING,
                             "from_sis": {"type": "boolean", "description": "Filled from Apogée."}}),
    "Event": _obj({
        "at": {**INSTANT, "nullable": False}, "from_status": {**STATUS, "nullable": True}, "to_status": STATUS,
        "actor": NAME, "impersonator": {**NAME, "description": "Who acted in the actor's name, if anyone."},
        "reason": {"type": "string", "nullable": True}, "content_hash": HASH,
    }),
}

_OPTIONAL = ("registration", "needs_details", "comment", "comment_at")
SCHEMAS["Contract"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **{k: v for k, v in SCHEMAS["ContractSummary"]["properties"].items() if k != "url"},
        "registration": {"$ref": "#/components/schemas/Registration"},
        "study_plan": TEXT,
        "needs": {"type": "array", "items": {"$ref": "#/components/schemas/Need"},
                  "description": "Specific needs; health-related ones only for readers who may see them."},
        "needs_details": TEXT,
        "remediations": {"type": "array", "items": {"$ref": "#/components/schemas/Remediation"}},
        "support_hours": {**NUMBER, "description": "Subject-support hours."},
        "advance_courses": {"type": "array", "items": {"$ref": "#/components/schemas/AdvanceCourse"}},
        "path_notes": TEXT,
        "gap_year": {"type": "string", "enum": list(GAP_YEAR_CHOICES)},
        "gap_year_details": TEXT,
        "second_programme": {"$ref": "#/components/schemas/SecondProgramme"},
        "pec_acknowledged": {"type": "boolean"},
        "charter_accepted": {"type": "boolean"},
        "charter_accepted_at": INSTANT,
        "submitted_hash": HASH, "signed_hash": HASH, "signed_by": NAME,
        "returned_reason": {"type": "string", "nullable": True},
        "comment": {**TEXT, "description": "The guidance counsellor's comment (people only, never machine clients)."},
        "comment_at": INSTANT,
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        "withheld": {"type": "array", "items": {"type": "string", "enum": [
            "registration", "health_related_needs", "needs_details", "comment"]},
            "description": "Parts of the contract this caller may not read (left out of the answer)."},
        "pdf_url": {"type": "string", "example": "/api/v1/contracts/25/pdf"},
    },
}
SCHEMAS["Contract"]["required"] = [k for k in SCHEMAS["Contract"]["properties"] if k not in _OPTIONAL]

PARAMETERS = {
    "ContractId": {"in": "path", "name": "pk", "required": True, "description": "The contract's id.",
                   "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}, "example": 25},
}


def add_components(api_spec):
    for name, schema in SCHEMAS.items():
        if name not in api_spec.components.schemas:
            api_spec.components.schema(name, schema)
    for name, parameter in PARAMETERS.items():
        if name not in api_spec.components.parameters:
            rest = {k: v for k, v in parameter.items() if k != "in"}
            api_spec.components.parameter(name, parameter["in"], rest)


# --- The served document -----------------------------------------------------------------------

DESCRIPTION = """\
The contracts (*contrats pédagogiques pour la réussite étudiante*) a caller may read, for other
university systems. Read-only.

**Authentication**: `Authorization: Bearer <token>` with a JWT from `POST /api/v1/security/login`
(a person's account), or with an API key `sst_…` of a service account (issued by an administrator).
Every token problem (missing, malformed, tampered, expired, revoked) answers 401.

**What a caller reads** is decided by the same policy as the pages: which contracts (a director
of studies their programmes, a service account its faculties…) and which parts of each (`withheld`
names the parts left out).

**Errors** are JSON `{"message": …}`: 400 bad parameters, 401 authentication, 403 no access to this
resource, 404 no such contract (or not readable by the caller), 405 with `Allow`, 429 too many logins,
500 unexpected, 503 database or directory unreachable.

**Incremental pulls**: list with a filter on `updated_at` (`gt` the previous pull's `as_of` minus a
safety margin) and read forward by id (`after_id` ← `next_after_id` until it is null); then fetch
each contract by id (`If-None-Match` with its last `ETag` answers 304 when unchanged). Pages hold
at most 100 contracts (default 50). See docs/api.md.
"""

OPERATION_IDS = {
    ("/api/v1/security/login", "post"): "login",
    ("/api/v1/security/refresh", "post"): "refreshToken",
    ("/api/v1/menu/", "get"): "getMenu",
    ("/api/{version}/_openapi", "get"): "getOpenApi",
}


def finish(spec):
    """Complete the document Flask-AppBuilder assembled: ids, version, shared answers."""
    spec["info"] = {"title": "ConPeRe API", "version": "1", "description": DESCRIPTION}
    _shared_responses(spec["components"]["responses"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            _complete(operation, path, method)
    _menu_separators(spec)
    for parameter in spec["paths"].get("/api/{version}/_openapi", {}).get("get", {}).get("parameters", []):
        if parameter["name"] == "version":
            parameter["schema"] = {"type": "string", "enum": ["v1"]}
    used = str(spec["paths"])
    for status in list(spec["components"]["responses"]):
        if f"#/components/responses/{status}'" not in used:
            del spec["components"]["responses"][status]
    return spec


def _shared_responses(responses):
    responses["400"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Message"}
    responses["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                        "description": "How to authenticate (RFC 6750)."}}
    responses["503"] = {"description": "The database or the directory cannot be reached",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}}


def _complete(operation, path, method):
    """An id, and the answers every operation may give: 401/403 when it needs a caller, 500, 503."""
    operation.setdefault("operationId", OPERATION_IDS.get((path, method)) or _operation_id(path, method))
    answers = operation.setdefault("responses", {})
    shared = ("401", "403", "500", "503") if operation.get("security") else ("500", "503")
    for status in shared:
        answers.setdefault(status, {"$ref": f"#/components/responses/{status}"})


def _menu_separators(spec):
    """FAB's menu answer puts "-" (a separator) among a menu's children; its schema says objects."""
    try:
        schema = spec["paths"]["/api/v1/menu/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        children = schema["properties"]["result"]["items"]["properties"]["childs"]
    except KeyError:
        return
    children["items"] = {"oneOf": [{"type": "object"}, {"type": "string", "enum": ["-"]}]}


def _operation_id(path, method):
    words = [w for w in path.replace("{", "").replace("}", "").replace("_", "/").split("/") if w and w != "api"]
    return method + "".join(w[:1].upper() + w[1:] for w in words)


class OpenApiDocument(KeyErrors, OpenApi):
    """FAB's spec endpoint (same URL, same permission), with the document completed by ``finish``."""

    class_permission_name = "OpenApi"

    def __init__(self):
        super().__init__()
        self._documents = {}

    @expose("/<version>/_openapi")
    @protect()
    @safe
    def get(self, version):
        """The OpenAPI document of an API version
        ---
        get:
          summary: Get the OpenAPI document
          parameters:
          - in: path
            name: version
            required: true
            schema:
              type: string
          responses:
            200:
              description: The OpenAPI 3 document
              content:
                application/json:
                  schema:
                    type: object
            404:
              $ref: '#/components/responses/404'
        """
        key = (version, request.host_url)
        if key not in self._documents:  # the APIs are fixed once the app is built
            apis = [view for view in current_app.appbuilder.baseviews
                    if isinstance(view, BaseApi) and view.version == version]
            if not apis:
                return self.response_404()
            api_spec = self._create_api_spec(version)
            for api in apis:
                api.add_api_spec(api_spec)
            self._documents[key] = finish(api_spec.to_dict())
        return self.response(200, **self._documents[key])
