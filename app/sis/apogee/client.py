"""The SOAP plumbing to Apogée's web services with zeep: HTTP, hardening, retries, tolerant reading.

One zeep client per service, built on first use from its WSDL (AMUE's file or ``<endpoint>?wsdl``)
and bound to the configured endpoint (an API gateway may publish other paths than the WSDL's
``soap:address``). Each service has its own HTTP session, so each may carry its own headers.

Answers are read strictly against the WSDL; when that fails because Apogée is another version than
its WSDL (an element more, one missing or out of place), the answer is read again by element names
and the drift is logged once. Transport failures and transient faults are retried with exponential
backoff; everything else becomes one of the seam's errors (``errors.py``).
"""
import logging
import os
import threading
import time
from urllib.parse import urlparse

import requests
import zeep
from lxml import etree
from requests.adapters import HTTPAdapter
from zeep.cache import InMemoryCache
from zeep.exceptions import ExternalReferenceForbidden, XMLParseError
from zeep.transports import Transport

from app.sis.apogee.errors import NO_DATA, classify
from app.sis.apogee.settings import binding_name
from app.sis.interface import SisBadAnswer

log = logging.getLogger(__name__)

SKIP = zeep.xsd.SkipValue  # an unused parameter is left out, as JAX-WS clients do
# What zeep raises reading an answer that does not follow the WSDL: elements out of place, values
# of another type, a body without the expected element.
UNREADABLE = (XMLParseError, ValueError, ArithmeticError, LookupError, AttributeError, TypeError)


class GuardedTransport(Transport):
    """Loads WSDL/XSD documents only from the configured Apogée hosts, or from files of the
    configured WSDL folder (no fetch elsewhere)."""

    def __init__(self, allowed_origins, allowed_dir=None, **kwargs):
        super().__init__(**kwargs)
        self.allowed_origins = allowed_origins
        self.allowed_dir = os.path.realpath(allowed_dir) if allowed_dir else None

    def load(self, url):
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https"):
            if (parsed.scheme, parsed.netloc) not in self.allowed_origins:
                raise ExternalReferenceForbidden(url)
        elif not self._in_allowed_dir(url):
            raise ExternalReferenceForbidden(url)
        return super().load(url)

    def _in_allowed_dir(self, url):
        if self.allowed_dir is None or urlparse(url).scheme not in ("", "file"):
            return False
        path = os.path.realpath(urlparse(url).path if url.startswith("file:") else url)
        return os.path.commonpath([path, self.allowed_dir]) == self.allowed_dir


class ApogeeClient:
    """Thread-safe: one instance serves a whole thread pool."""

    def __init__(self, settings, sleep=time.sleep):
        self.settings = settings
        self._sleep = sleep
        self._lock = threading.Lock()
        self._services = {}  # name -> (zeep client, service proxy)
        self._sessions = {}
        self._drifts = set()
        # Hardening: no DTD, no entities in anything parsed (WSDL, XSD, answers). Answers are
        # kept raw by zeep and read here, strictly first (see _read).
        self.zeep_settings = zeep.Settings(strict=True, raw_response=True, forbid_dtd=True, forbid_entities=True,
                                           xml_huge_tree=False)

    def _session(self, service):
        settings = self.settings
        session = requests.Session()
        if settings.user:
            session.auth = (settings.user, settings.password)
        session.headers.update(settings.headers(service))
        session.verify = settings.verify
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=settings.concurrency + 2, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._sessions[service] = session
        return session

    def _transport(self, service, wsdl, endpoint):
        origins = set()
        for url in (endpoint, wsdl):
            parsed = urlparse(url)
            if parsed.scheme in ("http", "https"):
                origins.add((parsed.scheme, parsed.netloc))
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        return GuardedTransport(
            origins, allowed_dir=self.settings.wsdl_dir or None, session=self._session(service), timeout=timeout,
            operation_timeout=timeout, cache=InMemoryCache(timeout=3600),
        )

    def service(self, name):
        """(zeep client, service proxy) of one Apogée service; its WSDL is read once."""
        found = self._services.get(name)
        if found is not None:
            return found
        with self._lock:
            if name not in self._services:
                wsdl = self.settings.wsdl(name)
                endpoint = self.settings.endpoint(name)
                transport = self._transport(name, wsdl, endpoint)
                client = self._with_retries(
                    lambda: zeep.Client(wsdl, transport=transport, settings=self.zeep_settings),
                    f"{name} WSDL at {wsdl}", reading="wsdl",
                )
                try:
                    proxy = client.create_service(binding_name(name), endpoint)
                except ValueError as exc:  # zeep: no such binding in the WSDL
                    raise SisBadAnswer(f"Apogée's WSDL at {wsdl} has no {name} binding: {exc}", code="bad-wsdl",
                                       operation=name) from exc
                self._services[name] = (client, proxy)
            return self._services[name]

    def call(self, service, operation, **params):
        """Call an operation; ``None`` when Apogée says there is no data."""
        what = f"{service}.{operation}"
        client, proxy = self.service(service)
        try:
            method = getattr(proxy, operation)
        except AttributeError:
            raise SisBadAnswer(f"Apogée's WSDL of {service} has no operation {operation}", code="bad-wsdl",
                               operation=what) from None
        return self._with_retries(lambda: self._read(client, proxy, operation, method(**params), what), what)

    def _read(self, client, proxy, operation, response, what):
        binding = proxy._binding
        definition = binding.get(operation)
        try:
            result = binding.process_reply(client, definition, response)
        except UNREADABLE as exc:
            self._drift(what, exc)
            try:
                with client.settings(strict=False, xsd_ignore_sequence_order=True):
                    result = binding.process_reply(client, definition, response)
            except UNREADABLE as exc:
                raise SisBadAnswer(f"Apogée's answer to {what} cannot be read: {exc}", code="bad-answer",
                                   operation=what) from exc
        if result is None or result == []:  # rare (Apogée faults rather than answer nothing): the right answer?
            expected = definition.output.body.qname
            if _answer_element(response.content) != (expected.namespace, expected.localname):
                raise SisBadAnswer(f"Apogée's answer to {what} is not a {expected.localname}", code="bad-answer",
                                   operation=what)
        return result

    def _drift(self, what, exc):
        key = (what, str(exc))
        if key not in self._drifts:
            self._drifts.add(key)
            log.warning("Apogée's answer to %s differs from its WSDL (another version?); read by element "
                        "names instead: %s", what, exc)

    def _with_retries(self, action, what, reading="answer"):
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return action()
            except Exception as exc:  # noqa: BLE001 - sorted below; what is not about Apogée is raised as is
                error = classify(exc, what, reading)
                if error is None:
                    raise
                if error is NO_DATA:
                    return None
                if not error.transient or attempt == attempts - 1:
                    raise error from exc
                delay = self.settings.backoff * (2 ** attempt)
                log.info("Apogée %s failed (%s); retry %s in %.1fs", what, error.code, attempt + 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def close(self):
        for session in self._sessions.values():
            session.close()


def _answer_element(content):
    """(namespace, name) of the element in the SOAP body of an answer (already parsed once)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    body = etree.fromstring(content, parser).find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    first = next((child for child in body if isinstance(child.tag, str)), None) if body is not None else None
    if first is None:
        return None
    name = etree.QName(first)
    return name.namespace, name.localname
