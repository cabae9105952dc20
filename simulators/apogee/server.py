"""The simulated Apogée over HTTP: a WSGI app answering SOAP 1.1 requests and serving its WSDL.

``POST /services/<Name>`` runs an operation; ``GET /services/<Name>?wsdl`` answers the concrete
WSDL, ``?wsdl=abstract`` the abstract one it imports. HTTP Basic auth when credentials are set.
``Behaviour`` injects latency, faults, hangs and HTTP errors, at a rate or for the next requests.
"""
import threading
import time
from collections import Counter

from lxml import etree
from werkzeug.wrappers import Request, Response

from simulators import serving
from simulators.apogee import handlers
from simulators.apogee.operations import OPERATIONS_BY_KEY
from simulators.apogee.schema import EXCEPTION_NS, SERVICE_NAMESPACES, SIMPLE, TYPES
from simulators.apogee.wsdl import abstract_wsdl, impl_wsdl

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NIL = f"{{{XSI}}}nil"
OFFLINE = "technical.data.transaction.connexion"
XML = "text/xml; charset=utf-8"


def _safe_parser():
    # Requests are untrusted: no DTD, no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class Behaviour(serving.Behaviour):
    """What goes wrong, and how slowly (``serving.Behaviour``): failures drawn at ``fault_rate``
    answer Apogée's "offline" fault; scripted HTTP failures are a 502 from a gateway."""

    failure = ("fault", OFFLINE)
    http_status = 502
    fault_rate = serving.rate_alias("fault_rate")

    def __init__(self, latency=0.0, fault_rate=0.0, timeout_rate=0.0, hang_seconds=30.0, seed=0):
        super().__init__(latency, fault_rate, timeout_rate, hang_seconds, seed)
        self.student_faults = {}  # student number -> fault code, for every call about them
        self.operation_faults = {}  # operation name -> fault code

    def tables(self):
        return super().tables() + [self.student_faults, self.operation_faults]


class Simulator:
    """One simulated Apogée: a dataset, credentials, behaviour and counters."""

    def __init__(self, dataset, user=None, password=None, behaviour=None, required_headers=None):
        self.dataset = dataset
        self.user = user
        self.password = password
        self.required_headers = dict(required_headers or {})  # e.g. an API gateway's key
        self.service_headers = {}  # service -> {header: value}: a gateway's key for one service
        self.behaviour = behaviour or Behaviour()
        self.calls = Counter()  # operation -> SOAP requests
        self.documents = Counter()  # service -> WSDL documents served
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak_in_flight = 0
        self.posts = 0

    # --- WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request):
        parts = request.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "services" or parts[1] not in SERVICE_NAMESPACES:
            return Response("Not found", status=404, content_type="text/plain")
        service = parts[1]
        refused = self._refusal(service, request)
        if refused is not None:
            return refused
        if request.method == "GET" and "wsdl" in request.args:
            return self._document(service, request)
        if request.method != "POST":
            return Response("Method not allowed", status=405, content_type="text/plain")
        with self._lock:
            self.posts += 1
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return self._soap(service, request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _refusal(self, service, request):
        """The answer to a request without the credentials or the gateway key, else None."""
        if self.user is not None and not self._authorised(request):
            return Response("Unauthorized", status=401, headers={"WWW-Authenticate": 'Basic realm="apogee"'})
        required = {**self.required_headers, **self.service_headers.get(service, {})}
        if any(request.headers.get(name) != value for name, value in required.items()):
            return Response("Unauthorized (gateway key)", status=401, content_type="text/plain")
        return None

    def _document(self, service, request):
        self.documents[service] += 1
        if request.args.get("wsdl") == "abstract":
            return Response(abstract_wsdl(service), content_type=XML)
        return Response(impl_wsdl(service, request.host_url + f"services/{service}"), content_type=XML)

    def _authorised(self, request):
        auth = request.authorization
        return auth is not None and auth.username == self.user and auth.password == self.password

    def _soap(self, service, request):
        behaviour = self.behaviour
        if behaviour.latency:
            time.sleep(behaviour.latency)
        try:
            operation, params = self._read_call(service, request)
        except handlers.Fault as fault:
            return self._fault(service, fault, status=400 if fault.code.endswith((".xml", "nonpresentinput")) else 500)
        answer = serving.injected(behaviour.incident(operation.name), lambda *kind: self._incident(service, *kind))
        if answer is not None:
            return answer
        self.calls[operation.name] += 1
        try:
            value = self._answer(operation, params)
        except handlers.Fault as fault:
            return self._fault(service, fault)
        return Response(_envelope(operation, value, behaviour.doctors.get(operation.name)), content_type=XML)

    def _incident(self, service, kind, value):
        """The answer of an injected incident (a hang has waited: ``serving.injected``)."""
        if kind == "http":
            return Response("Bad gateway", status=value, content_type="text/html")
        if kind == "garbage":
            return Response("<html><body>Proxy error</body></html>", status=500, content_type="text/html")
        if kind == "raw":
            return Response(value, status=200, content_type=XML)
        return self._fault(service, handlers.Fault(value, "Injected fault"))  # "fault"

    def _answer(self, operation, params):
        behaviour = self.behaviour
        number = handlers.given(params, "_codEtu")
        behaviour.wait_for(number)
        forced = behaviour.student_faults.get(number) or behaviour.operation_faults.get(operation.name)
        if forced:
            raise handlers.Fault(forced, "Injected fault")
        return handlers.HANDLERS[operation.name](self.dataset, params)

    @staticmethod
    def _read_call(service, request):
        """(operation, parameters) of a SOAP request; a Fault when it cannot be read."""
        try:
            envelope = etree.fromstring(request.get_data(), _safe_parser())
        except etree.XMLSyntaxError as exc:
            raise handlers.Fault("technical.parameter.nonpresentinput", f"XML: {exc}") from None
        if envelope.getroottree().docinfo.doctype:
            raise handlers.Fault("technical.parameter.noncoherentinput.xml", "DTD refused")
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        call = next(iter(body), None) if body is not None else None
        qname = etree.QName(call) if call is not None else etree.QName("none")
        operation = OPERATIONS_BY_KEY.get((service, qname.localname))
        if operation is None or qname.namespace != SERVICE_NAMESPACES[service]:
            raise handlers.Fault("technical.parameter.noncoherentinput.operation", "Unknown operation")
        found = ((param, call.find(param.name)) for param in operation.params)
        return operation, {param.name: _parse(element, param.type) for param, element in found if element is not None}

    def _fault(self, service, fault, status=500):
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "xsi": XSI})
        body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
        node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
        etree.SubElement(node, "faultcode").text = "soapenv:Server.userException"
        etree.SubElement(node, "faultstring").text = fault.code
        detail = etree.SubElement(node, "detail")
        exception = etree.SubElement(detail, f"{{{SERVICE_NAMESPACES[service]}}}fault", nsmap={"ns1": SERVICE_NAMESPACES[service], "ns2": EXCEPTION_NS})
        _render_fields(exception, "exception:WebBaseException", {
            "domaine": "technical", "element": None, "messages": {"item": [fault.message]},
            "nature": fault.code.split(".")[1] if "." in fault.code else None, "type": "WebBaseException",
            "lastErrorMsg": fault.message,
        })
        return Response(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"), status=status, content_type=XML)

    # --- serving

    def serve(self, host="127.0.0.1", port=0):
        """A threaded HTTP server (not started): ``server.serve_forever()``; ``server.port``."""
        return serving.serve(self, host, port)

    def start(self, host="127.0.0.1", port=0):
        """Serve in a daemon thread; returns the running server (``base_url``, ``shutdown()``)."""
        return serving.start(self, host, port, "/services/", "apogee-simulator")


# --- XML <-> values ----------------------------------------------------------------------------


def _parse(element, type_key):
    if element.get(NIL) == "true":
        return None
    if type_key in SIMPLE:
        return element.text
    value = {}
    for fld in TYPES[type_key].fields:
        found = element.findall(fld.name)
        if fld.many:
            value[fld.name] = [_parse(e, fld.type) for e in found]
        elif found:
            value[fld.name] = _parse(found[0], fld.type)
    return value


def _envelope(operation, value, doctor=None):
    envelope = etree.Element(
        f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "xsd": "http://www.w3.org/2001/XMLSchema", "xsi": XSI}
    )
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    wrapper = etree.SubElement(body, f"{{{operation.namespace}}}{operation.response_element}", nsmap={"ns1": operation.namespace})
    items = value if operation.many else [value]
    for item in items:
        _render(wrapper, operation.return_name, operation.returns, item, nillable=False)
    if doctor is not None:
        doctor(envelope)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _render(parent, name, type_key, value, nillable=True):
    """One element, always present: ``xsi:nil`` when there is no value and the schema allows it
    (Apogée never leaves out a [1..1] element), else empty."""
    node = etree.SubElement(parent, name)  # unqualified, as elementFormDefault="unqualified"
    if value is None:
        if nillable:
            node.set(NIL, "true")
        elif type_key not in SIMPLE:
            _render_fields(node, type_key, {})
    elif type_key in SIMPLE:
        node.text = _lexical(value)
    else:
        _render_fields(node, type_key, value)
    return node


def _lexical(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _render_fields(node, type_key, value):
    for fld in TYPES[type_key].fields:
        item = value.get(fld.name)
        if fld.many:
            for one in item or ():
                _render(node, fld.name, fld.type, one, fld.nillable)
        else:
            _render(node, fld.name, fld.type, item, fld.nillable)
