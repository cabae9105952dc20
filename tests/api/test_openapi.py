"""The served OpenAPI document tells the truth: valid, only existing routes, ids, and every answer
of the running API conforms to it, for an administrator, a director of studies and an API key
(schemathesis, with a bounded number of generated requests per operation)."""
import re

import pytest
from openapi_spec_validator import validate

OPENAPI = "/api/v1/_openapi"


@pytest.fixture
def spec(client, bearer):
    return client.get(OPENAPI, headers=bearer("admin")).json


def test_every_api_role_reads_the_document_and_students_do_not(client, bearer, service_key):
    for username in ("detu", "teacher", "counsellor", "registrar", "referent", "admin"):
        assert client.get(OPENAPI, headers=bearer(username)).status_code == 200, username
    assert client.get(OPENAPI, headers=service_key("bi-reader", all_faculties=True)).status_code == 200
    assert client.get(OPENAPI, headers=bearer("student")).status_code == 403


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_it_describes_exactly_the_routes_that_exist(app, spec):
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert documented == served


def test_every_operation_has_an_id_and_documents_its_errors(spec):
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and all(ids)
    contracts = spec["paths"]["/api/v1/contracts/{pk}"]["get"]
    assert {"200", "304", "400", "401", "403", "404"} <= set(contracts["responses"])
    contract = spec["components"]["schemas"]["Contract"]["properties"]
    assert contract["status"]["enum"] == ["draft", "submitted", "returned", "signed"]
    assert contract["updated_at"]["format"] == "date-time"
    assert contract["support_hours"]["type"] == "number"


def _conformance():
    from schemathesis import checks

    return [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
            checks.response_headers_conformance, checks.response_schema_conformance]


@pytest.mark.parametrize("caller", ["admin", "detu", "api-key"])
def test_every_answer_conforms_to_the_document(app, client, bearer, service_key, caller):
    schemathesis = pytest.importorskip("schemathesis", reason="pip install -r requirements-dev.txt")
    from hypothesis import HealthCheck, Phase, given, settings

    headers = service_key("bi-fuzz", faculties=("SCI",)) if caller == "api-key" else bearer(caller)
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app, headers=headers)
    conformance = _conformance()
    for operation in schema.get_all_operations():
        operation = operation.ok()

        # Bounded and reproducible: the examples and a few generated requests per operation, more
        # for the list, whose q carries the filters.
        examples = 40 if operation.label == "GET /api/v1/contracts/" else 10

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def conforms(case):
            case.call_and_validate(headers=headers, checks=conformance)

        conforms()


@pytest.mark.parametrize("caller", ["teacher", "counsellor", "registrar", "referent", "api-key-health"])
def test_each_role_s_real_answers_conform_to_the_document(app, client, bearer, service_key, caller):
    """The other roles' answers on their own contracts (what each reader gets differs by role)."""
    schemathesis = pytest.importorskip("schemathesis", reason="pip install -r requirements-dev.txt")
    if caller == "api-key-health":
        headers = service_key("bi-health", all_faculties=True, health_needs=True)
    else:
        headers = bearer(caller)
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app, headers=headers)
    listed = schema["/api/v1/contracts/"]["GET"].Case(query={"q": '{"page_size": 5}'})
    ids = listed.call_and_validate(headers=headers, checks=_conformance()).json()["ids"]
    assert ids
    for pk in ids:
        detail = schema["/api/v1/contracts/{pk}"]["GET"].Case(path_parameters={"pk": pk})
        detail.call_and_validate(headers=headers, checks=_conformance())
    document = schema["/api/v1/contracts/{pk}/pdf"]["GET"].Case(path_parameters={"pk": ids[0]})
    document.call_and_validate(headers=headers, checks=_conformance())
