"""The simulated Apogée over HTTP: a WSGI app answering SOAP 1.1 requests and serving its WSDL.

``POST /services/<Name>`` runs an operation; ``GET /services/<Name>?wsdl`` answers the concrete
WSDL, ``?wsdl=abstract`` the abstract one it imports. HTTP Basic auth when credentials are set.
``Behaviour`` injects latency, faults, hangs and HTTP errors, at a rate or for the next requests.
"""
import random
import threading
import time
from collections import Counter, deque

from lxml import etree
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from app.sis.simulator import handlers
from app.sis.simulator.schema import (
    EXCEPTION_NS,
    OPERATIONS_BY_KEY,
    SERVICE_NAMESPACES,
    SIMPLE,
    TYPES,
)
from app.sis.simulator.wsdl import abstract_wsdl, impl_wsdl

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NIL = f"{{{XSI}}}nil"
OFFLINE = "technical.data.transaction.connexion"
XML = "text/xml; charset=utf-8"


def _safe_parser():
    # Requests are untrusted: no DTD, no entities, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class Behaviour:
    """What goes wrong, and how slowly. Rates draw from a seeded generator (reproducible runs)."""

    def __init__(self, latency=0.0, fault_rate=0.0, timeout_rate=0.0, hang_seconds=30.0, seed=0):
        self.latency = latency
        self.fault_rate = fault_rate
        self.timeout_rate = timeout_rate
        self.hang_seconds = hang_seconds
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._next = deque()  # scripted incidents for the next requests
        self.student_faults = {}  # student number -> fault code, for every call about them
        self.operation_faults = {}  # operation name -> fault code

    def fail_next(self, count, kind="http", value=502):
        """The next ``count`` requests fail: kind "http" (status ``value``), "fault" (code ``value``),
        "hang" (``value`` seconds before answering), "garbage" (a non-XML 500, as a broken proxy) or
        "raw" (``value`` as the body of a 200 answer)."""
        with self._lock:
            self._next.extend([(kind, value)] * count)

    def clear(self):
        with self._lock:
            self._next.clear()
        self.student_faults.clear()
        self.operation_faults.clear()
        self.fault_rate = self.timeout_rate = self.latency = 0.0

    def incident(self):
        with self._lock:
            if self._next:
                return self._next.popleft()
            if self.timeout_rate and self._random.random() < self.timeout_rate:
                return ("hang", self.hang_seconds)
            if self.fault_rate and self._random.random() < self.fault_rate:
                return ("fault", OFFLINE)
        return None


class Simulator:
    """One simulated Apogée: a dataset, credentials, behaviour and counters."""

    def __init__(self, dataset, user=None, password=None, behaviour=None, required_headers=None):
        self.dataset = dataset
        self.user = user
        self.password = password
        self.required_headers = dict(required_headers or {})  # e.g. an API gateway's key
        self.behaviour = behaviour or Behaviour()
        self.calls = Counter()
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
        if self.user is not None and not self._authorised(request):
            return Response("Unauthorized", status=401, headers={"WWW-Authenticate": 'Basic realm="apogee"'})
        if any(request.headers.get(name) != value for name, value in self.required_headers.items()):
            return Response("Unauthorized (gateway key)", status=401, content_type="text/plain")
        if request.method == "GET" and "wsdl" in request.args:
            if request.args.get("wsdl") == "abstract":
                return Response(abstract_wsdl(service), content_type=XML)
            address = request.host_url + f"services/{service}"
            return Response(impl_wsdl(service, address), content_type=XML)
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

    def _authorised(self, request):
        auth = request.authorization
        return auth is not None and auth.username == self.user and auth.password == self.password

    def _soap(self, service, request):
        behaviour = self.behaviour
        if behaviour.latency:
            time.sleep(behaviour.latency)
        incident = behaviour.incident()
        if incident:
            kind, value = incident
            if kind == "http":
                return Response("Bad gateway", status=value, content_type="text/html")
            if kind == "garbage":
                return Response("<html><body>Proxy error</body></html>", status=500, content_type="text/html")
            if kind == "raw":
                return Response(value, status=200, content_type=XML)
            if kind == "hang":
                time.sleep(value)
            elif kind == "fault":
                return self._fault(service, handlers.Fault(value, "Injected fault"))
        try:
            envelope = etree.fromstring(request.get_data(), _safe_parser())
        except etree.XMLSyntaxError as exc:
            return self._fault(service, handlers.Fault("technical.parameter.nonpresentinput", f"XML: {exc}"), status=400)
        if envelope.getroottree().docinfo.doctype:
            return self._fault(service, handlers.Fault("technical.parameter.noncoherentinput.xml", "DTD refused"), status=400)
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        call = body[0] if body is not None and len(body) else None
        qname = etree.QName(call) if call is not None else None
        operation = OPERATIONS_BY_KEY.get((service, qname.localname)) if qname is not None else None
        if operation is None or qname.namespace != SERVICE_NAMESPACES[service]:
            return self._fault(service, handlers.Fault("technical.parameter.noncoherentinput.operation", "Unknown operation"))
        self.calls[operation.name] += 1
        params = {}
        for name, type_name in operation.params:
            element = call.find(name)
            if element is not None:
                params[name] = _parse(element, type_name)
        try:
            number = handlers.given(params, "_codEtu")
            forced = behaviour.student_faults.get(number) or behaviour.operation_faults.get(operation.name)
            if forced:
                raise handlers.Fault(forced, "Injected fault")
            value = handlers.HANDLERS[operation.name](self.dataset, params)
        except handlers.Fault as fault:
            return self._fault(service, fault)
        return Response(_envelope(operation, value), content_type=XML)

    def _fault(self, service, fault, status=500):
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "xsi": XSI})
        body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
        node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
        etree.SubElement(node, "faultcode").text = "soapenv:Server.userException"
        etree.SubElement(node, "faultstring").text = fault.code
        detail = etree.SubElement(node, "detail")
        exception = etree.SubElement(detail, f"{{{SERVICE_NAMESPACES[service]}}}fault", nsmap={"ns1": SERVICE_NAMESPACES[service], "ns2": EXCEPTION_NS})
        _render_fields(exception, "WebBaseException", {
            "domaine": "technical", "element": None, "messages": {"item": [fault.message]},
            "nature": fault.code.split(".")[1] if "." in fault.code else None, "type": "WebBaseException",
            "lastErrorMsg": fault.message,
        })
        return Response(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"), status=status, content_type=XML)

    # --- serving

    def serve(self, host="127.0.0.1", port=0):
        """A threaded HTTP server (not started): ``server.serve_forever()``; ``server.port``."""
        return make_server(host, port, self, threaded=True, request_handler=_QuietHandler)

    def start(self, host="127.0.0.1", port=0):
        """Serve in a daemon thread; returns the running server (``base_url``, ``shutdown()``)."""
        server = self.serve(host, port)
        server.base_url = f"http://{host}:{server.port}/services/"
        thread = threading.Thread(target=server.serve_forever, name="apogee-simulator", daemon=True)
        thread.start()
        server.thread = thread
        return server


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as an application server behind a gateway

    def log_request(self, *args, **kwargs):
        pass


# --- XML <-> values ----------------------------------------------------------------------------


def _parse(element, type_name):
    if type_name in SIMPLE:
        return element.text
    value = {}
    for fld in TYPES[type_name].fields:
        found = element.findall(fld.name)
        if fld.many:
            value[fld.name] = [_parse(e, fld.type) for e in found]
        elif found:
            value[fld.name] = _parse(found[0], fld.type)
    return value


def _envelope(operation, value):
    envelope = etree.Element(
        f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "xsd": "http://www.w3.org/2001/XMLSchema", "xsi": XSI}
    )
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    wrapper = etree.SubElement(body, f"{{{operation.namespace}}}{operation.response_element}", nsmap={"ns1": operation.namespace})
    items = value if operation.many else [value]
    for item in items:
        _render(wrapper, operation.return_name, operation.returns, item)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _render(parent, name, type_name, value):
    node = etree.SubElement(parent, name)  # unqualified, as elementFormDefault="unqualified"
    if value is None:
        node.set(NIL, "true")
    elif type_name in SIMPLE:
        node.text = str(value)
    else:
        _render_fields(node, type_name, value)
    return node


def _render_fields(node, type_name, value):
    for fld in TYPES[type_name].fields:
        item = value.get(fld.name)
        if fld.many:
            for one in item or ():
                _render(node, fld.name, fld.type, one)
        else:
            _render(node, fld.name, fld.type, item)
