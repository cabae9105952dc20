"""The SOAP plumbing to Apogée's web services with zeep: addresses, HTTP, hardening, retries, faults.

One zeep client per service, built on first use from ``<endpoint>?wsdl`` and bound to the
configured endpoint (an API gateway may publish other paths than the WSDL's ``soap:address``).
Transport failures are retried with exponential backoff; SOAP faults never are: "no data" faults
become ``None`` and the others one ``ApogeeFault`` carrying the fault code.
"""
import logging
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import requests
import zeep
from requests.adapters import HTTPAdapter
from zeep.cache import InMemoryCache
from zeep.exceptions import (
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
    Fault,
    TransportError,
    XMLSyntaxError,
)
from zeep.transports import Transport

from app.sis.interface import SisFault, SisNotConfigured, SisUnavailable

log = logging.getLogger(__name__)

SERVICES = (
    "EtudiantMetier",
    "AdministratifMetier",
    "PedagogiqueMetier",
    "OffreFormationMetier",
    "ReferentielMetier",
    "InfosEtuMetier",
)
_NAMESPACE_SUFFIX = {"ReferentielMetier": "_21062012", "InfosEtuMetier": "_01062007"}
NO_DATA_PREFIXES = ("technical.data.nullretrieve.", "technical.parameter.nullretrieve.")
SKIP = zeep.xsd.SkipValue  # an unused parameter is left out, as JAX-WS clients do


def binding_name(service):
    namespace = f"gouv.education.apogee.commun.servicesmetiers.{service}{_NAMESPACE_SUFFIX.get(service, '')}"
    return f"{{{namespace}-impl}}{service}SoapBinding"


class ApogeeFault(SisFault):
    """Apogée answered with a fault that is not "no data"; ``code`` is its faultstring."""


def is_no_data(code):
    return code.startswith(NO_DATA_PREFIXES)


@dataclass
class ApogeeSettings:
    base_url: str = ""
    service_urls: dict = field(default_factory=dict)  # service -> endpoint URL
    wsdl_url: str = ""  # "" = <endpoint>?wsdl; may hold "{service}"
    user: str = ""
    password: str = ""
    extra_headers: dict = field(default_factory=dict)
    verify: object = True  # True, False or a CA bundle path
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    concurrency: int = 8

    @classmethod
    def from_config(cls, config, **overrides):
        headers = {}
        raw = (config.get("APOGEE_EXTRA_HEADER") or "").strip()
        if raw:
            name, _, value = raw.partition(":")
            headers[name.strip()] = value.strip()
        verify = config.get("APOGEE_CA_BUNDLE") or config.get("APOGEE_VERIFY_TLS", True)
        values = dict(
            base_url=config.get("APOGEE_BASE_URL") or "",
            service_urls={k: v for k, v in (config.get("APOGEE_SERVICE_URLS") or {}).items() if v},
            wsdl_url=config.get("APOGEE_WSDL_URL") or "",
            user=config.get("APOGEE_USER") or "",
            password=config.get("APOGEE_PASSWORD") or "",
            extra_headers=headers,
            verify=verify,
            connect_timeout=float(config.get("APOGEE_CONNECT_TIMEOUT", 5)),
            read_timeout=float(config.get("APOGEE_READ_TIMEOUT", 30)),
            retries=int(config.get("APOGEE_RETRIES", 2)),
            backoff=float(config.get("APOGEE_BACKOFF", 0.5)),
            concurrency=max(1, int(config.get("APOGEE_CONCURRENCY", 8))),
        )
        values.update(overrides)
        return cls(**values)

    def endpoint(self, service):
        if self.service_urls.get(service):
            return self.service_urls[service]
        if not self.base_url:
            raise SisNotConfigured(
                "Apogée is not configured: set APOGEE_BASE_URL (e.g. https://apogee.univ.fr/wsapogee/services/)",
                code="not-configured",
            )
        return self.base_url.rstrip("/") + "/" + service

    def wsdl(self, service):
        if self.wsdl_url:
            if "{service}" in self.wsdl_url:
                return self.wsdl_url.format(service=service)
            return self.wsdl_url.rstrip("/") + f"/{service}?wsdl"
        return self.endpoint(service) + "?wsdl"


class GuardedTransport(Transport):
    """Loads WSDL/XSD documents only from the configured Apogée hosts (no fetch elsewhere)."""

    def __init__(self, allowed_origins, **kwargs):
        super().__init__(**kwargs)
        self.allowed_origins = allowed_origins

    def load(self, url):
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https") and (parsed.scheme, parsed.netloc) not in self.allowed_origins:
            raise ExternalReferenceForbidden(url)
        return super().load(url)


class ApogeeClient:
    """Thread-safe: one instance serves a whole thread pool."""

    def __init__(self, settings, sleep=time.sleep):
        self.settings = settings
        self._sleep = sleep
        self._lock = threading.Lock()
        self._services = {}
        session = requests.Session()
        if settings.user:
            session.auth = (settings.user, settings.password)
        session.headers.update(settings.extra_headers)
        session.verify = settings.verify
        adapter = HTTPAdapter(pool_connections=len(SERVICES), pool_maxsize=settings.concurrency + 2, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self.session = session
        timeout = (settings.connect_timeout, settings.read_timeout)
        self.transport = None
        self._timeout = timeout
        # Hardening: no DTD, no entities in anything parsed (WSDL, XSD, responses).
        self.zeep_settings = zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True, xml_huge_tree=False)

    def _transport(self):
        if self.transport is None:
            origins = set()
            for service in SERVICES:
                for url in (self.settings.endpoint(service), self.settings.wsdl(service)):
                    parsed = urlparse(url)
                    origins.add((parsed.scheme, parsed.netloc))
            self.transport = GuardedTransport(
                origins, session=self.session, timeout=self._timeout, operation_timeout=self._timeout,
                cache=InMemoryCache(timeout=3600),
            )
        return self.transport

    def service(self, name):
        """The zeep service proxy of one Apogée service (its WSDL is read once)."""
        proxy = self._services.get(name)
        if proxy is not None:
            return proxy
        with self._lock:
            if name not in self._services:
                wsdl = self.settings.wsdl(name)
                endpoint = self.settings.endpoint(name)
                client = self._with_retries(
                    lambda: zeep.Client(wsdl, transport=self._transport(), settings=self.zeep_settings),
                    f"{name} WSDL at {wsdl}",
                )
                self._services[name] = client.create_service(binding_name(name), endpoint)
            return self._services[name]

    def call(self, service, operation, **params):
        """Call an operation; ``None`` when Apogée says there is no data."""
        proxy = self.service(service)
        method = getattr(proxy, operation)
        try:
            return self._with_retries(lambda: method(**params), f"{service}.{operation}")
        except Fault as fault:
            code = (fault.message or "").strip()
            if is_no_data(code):
                return None
            raise ApogeeFault(f"Apogée {operation}: {code} — {_fault_text(fault) or code}", code=code) from None

    def _with_retries(self, action, what):
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return action()
            except Exception as exc:  # noqa: BLE001 - sorted into retryable or not below
                if isinstance(exc, Fault) and not _not_soap(exc):
                    raise
                error = _transport_error(exc, what)
                if error is None:
                    raise
                retryable, unavailable = error
                if not retryable or attempt == attempts - 1:
                    raise unavailable from None
                delay = self.settings.backoff * (2 ** attempt)
                log.info("Apogée %s failed (%s); retry %s in %.1fs", what, unavailable.code, attempt + 1, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def close(self):
        self.session.close()


def _not_soap(fault):
    """zeep's "fault" for an error page that happens to be XML (a proxy's HTML): no SOAP Fault."""
    return isinstance(fault.detail, (bytes, str))


def _fault_text(fault):
    detail = fault.detail
    if detail is None or _not_soap(fault):
        return ""
    for element in detail.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "lastErrorMsg" and element.text:
            return element.text.strip()
    return ""


def _transport_error(exc, what):
    """(retryable, SisUnavailable) for a transport-level failure, None for anything else."""
    if isinstance(exc, requests.Timeout):
        return True, SisUnavailable(f"Apogée did not answer in time ({what})", code="timeout")
    if isinstance(exc, requests.exceptions.SSLError):
        return False, SisUnavailable(f"Apogée's TLS certificate was refused ({what}): {exc}", code="tls")
    if isinstance(exc, requests.ConnectionError):
        return True, SisUnavailable(f"Apogée cannot be reached ({what})", code="transport")
    status = None
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
    elif isinstance(exc, TransportError):
        status = exc.status_code
    elif isinstance(exc, XMLSyntaxError) or (isinstance(exc, Fault) and _not_soap(exc)):
        # A proxy answering an HTML error page instead of SOAP.
        return True, SisUnavailable(f"Apogée answered something that is not SOAP ({what})", code="bad-response")
    elif isinstance(exc, (DTDForbidden, EntitiesForbidden)):
        return False, SisUnavailable(f"Apogée's answer carries a DTD or entities, refused ({what})", code="xml-refused")
    elif isinstance(exc, ExternalReferenceForbidden):
        return False, SisUnavailable(f"Apogée's WSDL refers to another host, refused: {exc.url}", code="forbidden-import")
    if status is None:
        return None
    if status in (401, 403):
        return False, SisUnavailable(
            f"Apogée refused the credentials (HTTP {status}) for {what}: check APOGEE_USER and APOGEE_PASSWORD",
            code=f"http-{status}",
        )
    if status == 404:
        return False, SisUnavailable(f"No Apogée service at this address (HTTP 404): {what}", code="http-404")
    return status >= 500, SisUnavailable(f"Apogée answered HTTP {status} ({what})", code=f"http-{status}")
