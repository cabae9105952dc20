"""Every answer of the simulated Pégase, and every request ConPeRe's client sends it, against PC-SCOL's
own OpenAPI files (openapi-core): paths, parameters, status codes and answer schemas."""
import pytest
import requests
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.wrappers import Request

from app.sis.pegase.settings import PATHS
from simulators.apogee import demo_dataset, generate
from simulators.pegase import PegaseExtras, PegaseSimulator
from simulators.pegase.records import STRUCTURE, uid
from tests.sis.pegase.harness import YEAR, PegaseHarness
from tests.sis.pegase.openapi import document, openapi

# What the files say of errors in their descriptions, without a response object: no token or a
# malformed one (401), a refused or expired one (403), a server in trouble (5xx).
DESCRIBED_ELSEWHERE = {401, 403, 500, 503}


class Recorder:
    """WSGI middleware keeping every API exchange (not the CAS ticket requests)."""

    def __init__(self, app):
        self.app = app
        self.exchanges = []

    def __call__(self, environ, start_response):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, remember))
        request = Request(environ)
        if not request.path.startswith("/cas/"):
            self.exchanges.append((request, seen["status"], seen["headers"].get("Content-Type"), body))
        return [body]


@pytest.fixture(scope="module")
def recorded():
    """A Pégase serving the demo and a generated university, driven by ConPeRe's client through
    everything it reads, plus the requests a client may get wrong."""
    system = PegaseHarness(generate(60, seed=11, year=YEAR))
    sim = system.sim
    recorder = Recorder(sim.__call__)
    system.server.app = recorder  # werkzeug serves whatever app the server holds
    sim.extras["30000003"] = PegaseExtras(arrangements=("RSE04", "RSE07"), gap_year="ANNEE",
                                          parallel_course="CUP002", convention=True)
    sis = system.system(page_size=25)
    offer = sis.programmes(YEAR, ["L", "LP", "M", "DU"])
    sis.programmes(YEAR - 1, ["L"])
    numbers = sorted({s.student_number for p in offer for s in sis.students_of(p, YEAR)})
    for number in numbers[:10] + ["30000003", "39999999"]:
        snapshot = sis.student(number, YEAR)
        for registration in snapshot.registrations:
            sis.course_registrations(number, YEAR, registration.programme.step_code, "PEG")
    sim.dataset = demo_dataset(YEAR)
    for number in sim.dataset.all_numbers()[:5]:
        sis.student(number, YEAR)
    token = sis.client.tokens.token()
    base, auth = system.server.base_url, {"Authorization": f"Bearer {token}"}
    for path, params, headers in [
        (PATHS["ins"] + "/gestion/flux-inscriptions/pagine", {"codePeriode": f"PER-{YEAR}"}, auth),  # no page size
        (PATHS["ins"] + "/gestion/flux-inscriptions/pagine", {"taille": 501}, auth),
        (PATHS["ins"] + "/gestion/flux-inscriptions/pagine", {"taille": 10, "codePeriode": "PER-1900"}, auth),
        (PATHS["ins"] + "/gestion/flux-inscriptions/pagine", {"taille": 10, "page": 99}, auth),
        (PATHS["ins"] + f"/gestion/inscription/{STRUCTURE}/99999999/", {}, auth),
        (PATHS["ins"] + f"/gestion/inscription/{STRUCTURE}/22600001/", {}, {}),
        (PATHS["ins"] + f"/gestion/inscription/{STRUCTURE}/22600001/", {}, {"Authorization": "Bearer a.b.c"}),
        (PATHS["chc"] + "/cursus", {"codeApprenant": "99999999"}, auth),
        (PATHS["chc"] + f"/objet-formation/{STRUCTURE}/PER-{YEAR}/L1MATH/cursus", {}, auth),
        (PATHS["chc"] + f"/type-objet-formation/{STRUCTURE}/PER-{YEAR}/ANNEE/cursus", {}, auth),
        (PATHS["chc"] + f"/extractions/{STRUCTURE}/periodes/PER-{YEAR}/compositions", {}, auth),
        (PATHS["coc"] + f"/etablissements/{STRUCTURE}/periodes/PER-{YEAR}/apprenants/22600001/chemins/LMATH>L1MATH"
         "/releves-de-notes", {}, auth),
        (PATHS["coc"] + f"/etablissements/{STRUCTURE}/periodes/PER-{YEAR}/apprenants/22600001/chemins/LMATH>L9XXXX",
         {}, auth),
        (PATHS["idt"] + f"/etablissements/{STRUCTURE}/identites/apprenants", {"nom": "MARTIN", "taille": 5}, auth),
        (PATHS["idt"] + f"/etablissements/{STRUCTURE}/identites/apprenants", {"codeApprenant": "22600001"}, auth),
        (PATHS["idt"] + f"/etablissements/{STRUCTURE}/identites/{uid('identity', 'nobody')}", {}, auth),
        (PATHS["idt"] + f"/etablissements/{STRUCTURE}/identites/pegase/A22600001", {}, auth),
    ]:
        requests.get(base + path, params=params, headers=headers, timeout=30)
    yield system, recorder.exchanges
    sis.close()
    system.stop()


def api_of(path):
    return next(api for api, prefix in PATHS.items() if path.startswith(prefix + "/"))


def test_every_exchange_follows_the_published_documents(recorded):
    system, exchanges = recorded
    apis = {api: openapi(api, system.server.base_url + prefix) for api, prefix in PATHS.items()}
    validated = {}
    for request, status, content_type, body in exchanges:
        api = api_of(request.path)
        mock = MockRequest(request.host_url.rstrip("/"), "get", request.path, args=request.args,
                           headers=dict(request.headers))
        operation = apis[api].validate_request(mock) if status == 200 else None
        declared = declared_statuses(api, request.path)
        if str(status) in declared:
            apis[api].validate_response(mock, MockResponse(body, status_code=status, content_type=content_type))
            validated[(api, status)] = validated.get((api, status), 0) + 1
        else:
            assert status in DESCRIBED_ELSEWHERE, (request.path, status, body[:200])
        assert operation is None
    # Every API answered, successes and the documented failures alike.
    assert {key for key in validated} >= {("ins", 200), ("ins", 400), ("ins", 404), ("chc", 200), ("coc", 200),
                                          ("idt", 200), ("idt", 404)}


def declared_statuses(api, path):
    spec, prefix = document(api), PATHS[api]
    relative = path[len(prefix):]
    for template, item in spec["paths"].items():
        if _matches(template, relative):
            return set(item["get"]["responses"])
    raise AssertionError(f"{path} is not a path of the {api} document")


def _matches(template, path):
    left, right = template.strip("/").split("/"), path.strip("/").split("/")
    if template.endswith("{codeChemin}"):  # a chemin holds no "/" but the COC template ends with it
        right = right[:len(left) - 1] + ["/".join(right[len(left) - 1:])]
    return len(left) == len(right) and all(a.startswith("{") or a == b for a, b in zip(left, right))


def test_the_simulator_serves_every_read_path_of_the_documents(recorded):
    system, exchanges = recorded
    served = {(api_of(r.path), template) for r, *_ in exchanges for api in [api_of(r.path)]
              for template in document(api)["paths"] if _matches(template, r.path[len(PATHS[api]):])}
    reads = {(api, template) for api in PATHS for template, item in document(api)["paths"].items()
             if "get" in item and item["get"]["responses"].get("200", {}).get("content", {}).get("application/json")}
    assert reads - served == set()
