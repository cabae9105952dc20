"""The simulated Pégase over HTTP: a CAS ticket endpoint that issues JWTs, and the read operations
of the INS, CHC, COC and IDT external APIs under their real path prefixes, answering JSON in the
schemas of PC-SCOL's OpenAPI files.

Every API call needs ``Authorization: Bearer <jwt>`` from ``POST /cas/v1/tickets``: none or a
malformed one is 401, a bad signature or an expired token 403 (as the files say). ``Behaviour``
injects latency, HTTP errors, hangs and unreadable answers, at a rate or for the next requests.
"""
import json
import secrets
import threading
import time
from collections import Counter

import jwt
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from simulators import serving
from simulators.pegase import records
from simulators.pegase.extras import PegaseExtras, drawn

INS = "/api/ins/ext/v2"
CHC = "/api/ext/chc/v1"
COC = "/api/coc/publication/v2"
IDT = "/api/idt/ext/v1"
MAX_PAGE = 500  # INS: "limité à 500 sans photo"; IDT: "par page de 500 maximum"

RULES = Map([
    Rule("/cas/v1/tickets", endpoint="tickets", methods=["POST"]),
    Rule(f"{INS}/gestion/flux-inscriptions/pagine", endpoint="listerFluxInscriptionsPagine", methods=["GET"]),
    Rule(f"{INS}/gestion/inscription/<structure>/<learner>/", endpoint="lireInscriptions", methods=["GET"]),
    Rule(f"{CHC}/cursus", endpoint="lireCursusApprenant", methods=["GET"]),
    Rule(f"{CHC}/objet-formation/<structure>/<period>/<code>/cursus", endpoint="extraireCursusObjetFormationPeriode",
         methods=["GET"]),
    Rule(f"{CHC}/type-objet-formation/<structure>/<period>/<kind>/cursus",
         endpoint="extraireCursusTypeObjetFormationPeriode", methods=["GET"]),
    Rule(f"{CHC}/extractions/<structure>/periodes/<period>/compositions", endpoint="extraireCompositionsPourUnePeriode",
         methods=["GET"]),
    Rule(f"{COC}/etablissements/<structure>/periodes/<period>/apprenants/<learner>/chemins/<chemin>/releves-de-notes",
         endpoint="listerReleveDeNotePubliableApprenant", methods=["GET"]),
    Rule(f"{COC}/etablissements/<structure>/periodes/<period>/apprenants/<learner>/chemins/<path:path>",
         endpoint="listerCursusPubliableApprenant", methods=["GET"]),
    Rule(f"{IDT}/etablissements/<structure>/identites/apprenants", endpoint="rechercherIdentiteApprenant",
         methods=["GET"]),
    Rule(f"{IDT}/etablissements/<structure>/identites/pegase/<ident>",
         endpoint="lireIdentiteByIdentifiantApprenantPegase", methods=["GET"]),
    Rule(f"{IDT}/etablissements/<structure>/identites/<uuid:identity>", endpoint="lireIdentiteByUUID",
         methods=["GET"]),
], strict_slashes=True, merge_slashes=False)


class Behaviour(serving.Behaviour):
    """What goes wrong, and how slowly (``serving.Behaviour``): failures drawn at ``error_rate``
    answer HTTP 503."""

    error_rate = serving.rate_alias("error_rate")

    def __init__(self, latency=0.0, error_rate=0.0, timeout_rate=0.0, hang_seconds=30.0, seed=0):
        super().__init__(latency, error_rate, timeout_rate, hang_seconds, seed)
        self.student_errors = {}  # learner code -> HTTP status of every call about them
        self.operation_errors = {}  # operationId -> HTTP status

    def tables(self):
        return super().tables() + [self.student_errors, self.operation_errors]


class PegaseSimulator:
    """One simulated Pégase: a dataset (the generator shared with the Apogée simulator), a service
    account, behaviour and counters."""

    def __init__(self, dataset, user="svc-api", password="secret", behaviour=None, token_seconds=3600,
                 extras=None, draw_extras=True):
        self.dataset = dataset
        self.user, self.password = user, password
        self.token_seconds = token_seconds
        self.behaviour = behaviour or Behaviour()
        self.extras = dict(extras or {})  # learner code -> PegaseExtras (else drawn from the number…)
        self.draw_extras = draw_extras  # (…unless False: the demo's students have only the extras given)
        self.calls = Counter()  # operationId -> calls answered
        self.tickets = 0  # JWTs issued
        self.key = secrets.token_bytes(32)
        self._verified = {}  # token -> (the key it was verified with, its expiry): verified once
        self._lock = threading.Lock()
        self._flux = {}  # (year, dataset id) -> [(learner code, registration key)] in a stable order
        self.in_flight = self.peak_in_flight = 0

    def extras_of(self, number):
        found = self.extras.get(number)
        if found is not None:
            return found
        return drawn(number) if self.draw_extras else PegaseExtras()

    # --- WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, args = RULES.bind_to_environ(environ).match()
        except HTTPException as exc:
            return _error(exc.code, exc.name)(environ, start_response)
        if endpoint == "tickets":
            return self.ticket(request)(environ, start_response)
        refused = self._refused(request)
        if refused is not None:
            return refused(environ, start_response)
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            response = self._answer(endpoint, request, args)
        finally:
            with self._lock:
                self.in_flight -= 1
        return response(environ, start_response)

    def ticket(self, request):
        """CAS REST: ``username``, ``password`` and ``token=true`` give a JWT (201, text)."""
        form = request.form
        if form.get("username") != self.user or form.get("password") != self.password:
            return Response("Authentication failed", status=401, content_type="text/plain")
        now = int(time.time())
        if (form.get("token") or request.args.get("token")) != "true":
            ticket = f"TGT-{secrets.token_hex(8)}"
            return Response(ticket, status=201, headers={"Location": f"{request.base_url}/{ticket}"})
        claims = {"sub": self.user, "iat": now, "exp": now + self.token_seconds, "iss": "pegase-simulator",
                  "jti": secrets.token_hex(8)}  # each ticket its own token, as a real CAS
        with self._lock:
            self.tickets += 1
        return Response(jwt.encode(claims, self.key, algorithm="HS256"), status=201, content_type="text/plain")

    def _refused(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or token.count(".") != 2:
            return _error(401, "Unauthorized")
        key, expires = self._verified.get(token, (None, 0))
        if key != self.key:  # not seen yet, or signed with a key since replaced
            try:
                expires = jwt.decode(token, self.key, algorithms=["HS256"])["exp"]
            except (jwt.PyJWTError, KeyError):
                return _error(403, "Forbidden: token invalid or expired")
            with self._lock:
                if len(self._verified) > 1000:
                    self._verified.clear()
                self._verified[token] = (self.key, expires)
        if expires <= time.time():  # as PyJWT: expired at "exp"
            return _error(403, "Forbidden: token invalid or expired")
        return None

    def _answer(self, operation, request, args):
        behaviour = self.behaviour
        if behaviour.latency:
            time.sleep(behaviour.latency)
        injected = serving.injected(behaviour.incident(operation), _incident)
        if injected is not None:
            return injected
        learner = args.get("learner") or request.args.get("codeApprenant")
        behaviour.wait_for(learner)
        status = behaviour.student_errors.get(learner) or behaviour.operation_errors.get(operation)
        if status:
            return _error(status, "Injected failure")
        try:
            answer = getattr(self, operation)(request, **args)
        except _Refusal as refusal:
            return _error(refusal.status, refusal.message)
        self.calls[operation] += 1
        doctor = behaviour.doctors.get(operation)
        return _json(doctor(answer) if doctor else answer)

    # --- INS

    def listerFluxInscriptionsPagine(self, request):
        page, size = _pageable(request, default_size=50, maximum=MAX_PAGE, required=True)
        period = request.args.get("codePeriode")
        since = _integer(request.args.get("depuis"), "depuis")
        learner = request.args.get("codeApprenant")
        entries = self._flux_of(period)
        if learner:
            entries = [e for e in entries if e[0] == learner]
        if since and since > records._stamp(self._year_of(period) or self.dataset.year):
            entries = []  # nothing changed since then
        results = [self._flux_entry(*entry) for entry in entries[page * size:(page + 1) * size]]
        return _page([r for r in results if r is not None], page, size, len(entries), "resultats")

    def _flux_entry(self, number, key, year):
        student = self.dataset.student(number)
        registration = next((r for r in records.history(student) if r.key == key and r.year == year),
                            None) if student else None
        if registration is None:
            return None
        return records.flux_entry(student, registration, self.dataset.programmes[key], self.extras_of(number))

    def _year_of(self, period):
        if period is None:
            return None
        if not period.startswith("PER-") or not period[4:].isdigit():
            raise _Refusal(404, f"Flux introuvable : période {period}")
        return int(period[4:])

    def _flux_of(self, period):
        """(learner, programme, year) of every registration of the period (all periods when None), valid
        or cancelled, in a stable order. The generated students' part is computed once per period
        (it is what costs); students materialised by tests or the demo are read each time."""
        year = self._year_of(period)
        dataset = self.dataset
        key = (year, id(dataset))
        with self._lock:
            generated = self._flux.get(key)
        if generated is None:
            generated = self._entries(dataset.all_numbers(), year)
            with self._lock:
                self._flux = {key: generated}
        live = set(dataset.all_numbers())
        materialised = set(dataset.materialised_numbers())
        entries = [e for e in generated if e[0] in live and e[0] not in materialised]
        entries += self._entries(sorted(materialised), year)
        return sorted(entries)

    def _entries(self, numbers, year):
        found = []
        for number in numbers:
            student = self.dataset.student(number)
            for r in records.history(student) if student else ():
                if (year is None or r.year == year) and r.key in self.dataset.programmes:
                    found.append((number, r.key, r.year))
        return found

    def lireInscriptions(self, request, structure, learner):
        student = self._learner(structure, learner)
        return records.dossier(student, self.dataset.programmes, self.extras_of(learner))

    def _learner(self, structure, learner):
        if structure != records.STRUCTURE:
            raise _Refusal(404, f"Établissement inconnu : {structure}")
        student = self.dataset.student(learner) if learner else None
        if student is None:
            raise _Refusal(404, f"Apprenant introuvable : {learner}")
        return student

    # --- CHC

    def lireCursusApprenant(self, request):
        learner = request.args.get("codeApprenant")
        if not learner:
            raise _Refusal(400, "codeApprenant est obligatoire")
        student = self.dataset.student(learner)
        return records.cursus_list(student, self.dataset.programmes) if student else []

    def extraireCursusObjetFormationPeriode(self, request, structure, period, code):
        if structure != records.STRUCTURE:
            return []
        return records.students_on(self.dataset, self._year_of(period), code, self.extras_of)

    def extraireCursusTypeObjetFormationPeriode(self, request, structure, period, kind):
        """Only the registration objects (type ANNEE) have learners assigned in the simulation."""
        if structure != records.STRUCTURE or kind != "ANNEE":
            return []
        year = self._year_of(period)
        found = []
        for code in sorted({p.step_code for p in self.dataset.programmes.values()}):
            found += [c for c in records.students_on(self.dataset, year, code, self.extras_of) if c["listeApprenants"]]
        return found

    def extraireCompositionsPourUnePeriode(self, request, structure, period):
        self._year_of(period)
        return []  # the simulated university has no groups

    # --- COC

    def listerReleveDeNotePubliableApprenant(self, request, structure, period, learner, chemin):
        student = self._learner(structure, learner)
        if not records.published_results(self.dataset, student, self._year_of(period), chemin):
            return []
        return [{"uuid": records.uid("transcript", chemin), "codeChemin": chemin,
                 "libelleAffichageMDW": "Relevé de notes", "description": None}]

    def listerCursusPubliableApprenant(self, request, structure, period, learner, path):
        student = self._learner(structure, learner)
        return records.published_results(self.dataset, student, self._year_of(period), path)

    # --- IDT

    def rechercherIdentiteApprenant(self, request, structure):
        page, size = _pageable(request, default_size=10, maximum=MAX_PAGE, allow_all=True)
        if structure != records.STRUCTURE:
            return _page([], page, size, 0, "items")
        numbers = self._identity_numbers(request.args.get("codeApprenant"), request.args.get("exact", "true") != "false")
        total = len(numbers)
        if size != -1:
            numbers = numbers[page * size:(page + 1) * size]
        items = [records.identity_summary(self.dataset.student(n)) for n in numbers]
        return _page(items, page, size if size != -1 else total, total, "items")

    def _identity_numbers(self, learner, exact):
        if learner and exact:
            return [learner] if self.dataset.student(learner) else []
        return [n for n in self.dataset.all_numbers() if not learner or learner in n]

    def lireIdentiteByUUID(self, request, structure, identity):
        number = self._number_of_identity(str(identity))
        return records.identity_detail(self._learner(structure, number))

    def lireIdentiteByIdentifiantApprenantPegase(self, request, structure, ident):
        return records.identity_detail(self._learner(structure, ident[1:] if ident.startswith("A") else None))

    def _number_of_identity(self, identity):
        """Identities are uuid5 of the learner code: read back through a small index."""
        with self._lock:
            index = getattr(self, "_identities", None)
            if index is None or index[0] != (id(self.dataset), self.dataset.materialised_count()):
                numbers = self.dataset.all_numbers()
                index = ((id(self.dataset), self.dataset.materialised_count()),
                         {records.uid("identity", n): n for n in numbers})
                self._identities = index
        found = index[1].get(identity)
        if found is None:
            raise _Refusal(404, "L'identité n'existe pas")
        return found

    # --- serving

    def serve(self, host="127.0.0.1", port=0):
        """A threaded HTTP server (not started): ``server.serve_forever()``; ``server.port``."""
        return serving.serve(self, host, port)

    def start(self, host="127.0.0.1", port=0):
        """Serve in a daemon thread; returns the running server (``base_url``, ``shutdown()``)."""
        return serving.start(self, host, port, "", "pegase-simulator")


class _Refusal(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _json(value):
    return Response(json.dumps(value, ensure_ascii=False), content_type="application/json")


def _error(status, message):
    body = {"code": str(status), "message": message}
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def _integer(raw, name):
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise _Refusal(400, f"{name} n'est pas un entier") from None


def _pageable(request, default_size, maximum, required=False, allow_all=False):
    """(page, taille) of the ``pageable`` object, sent exploded as ``page`` and ``taille``."""
    page, size = _integer(request.args.get("page"), "page"), _integer(request.args.get("taille"), "taille")
    if required and size is None:
        raise _Refusal(400, "La pagination est obligatoire")
    page = 0 if page is None else page
    size = default_size if size is None else size
    if page < 0 or not _valid_size(size, maximum, allow_all):
        raise _Refusal(400, f"La pagination est invalide (taille limitée à {maximum})")
    return page, size


def _valid_size(size, maximum, allow_all):
    """1 to ``maximum``; -1 (everything) where the API allows it."""
    return 0 < size <= maximum or (size == -1 and allow_all)


def _incident(kind, value):
    """The answer of an injected incident (a hang has waited: ``serving.injected``)."""
    if kind == "http":
        return _error(value, "Injected failure")
    if kind == "garbage":
        return Response("<html><body>Proxy error</body></html>", status=200, content_type="application/json")
    return _json(value)  # "raw"


def _page(items, page, size, total, name):
    pages = (total + size - 1) // size if size > 0 else 1
    return {name: items, "page": page, "taille": size, "totalElements": total, "totalPages": pages}


__all__ = ["Behaviour", "PegaseExtras", "PegaseSimulator"]
