"""Where Apogée's services are and how to reach them: endpoints, WSDL documents, HTTP settings.

Each service has an endpoint (``APOGEE_BASE_URL`` + its name, or its own ``APOGEE_<SERVICE>_URL``
behind an API gateway) and a WSDL: AMUE's file shipped in ``APOGEE_WSDL_DIR`` (ESUP applications
do so), a ``APOGEE_WSDL_URL`` pattern, or ``<endpoint>?wsdl``. Headers: ``APOGEE_EXTRA_HEADER`` for
every service, ``APOGEE_<SERVICE>_HEADER`` for one (a gateway gives one key per service).
"""
import os
from dataclasses import dataclass, field

from app.sis.interface import SisNotConfigured

SERVICES = (
    "EtudiantMetier",
    "AdministratifMetier",
    "PedagogiqueMetier",
    "OffreFormationMetier",
    "ReferentielMetier",
    "InfosEtuMetier",
)
# Date suffixes: in the namespaces and AMUE's file names only; port names and URLs have none.
SUFFIXES = {"ReferentielMetier": "_21062012", "InfosEtuMetier": "_01062007"}


def namespace(service):
    return f"gouv.education.apogee.commun.servicesmetiers.{service}{SUFFIXES.get(service, '')}"


def binding_name(service):
    return f"{{{namespace(service)}-impl}}{service}SoapBinding"


def wsdl_file_name(service):
    """AMUE's name of a service's concrete WSDL, e.g. ``ReferentielMetier_21062012_Impl.wsdl``."""
    return f"{service}{SUFFIXES.get(service, '')}_Impl.wsdl"


def parse_header(raw):
    """``"Name: value"`` -> {"Name": "value"}; {} when empty."""
    raw = (raw or "").strip()
    if not raw:
        return {}
    name, _, value = raw.partition(":")
    return {name.strip(): value.strip()}


@dataclass
class ApogeeSettings:
    base_url: str = ""
    service_urls: dict = field(default_factory=dict)  # service -> endpoint URL
    wsdl_dir: str = ""  # AMUE's WSDL files, under their own names
    wsdl_url: str = ""  # "" = <endpoint>?wsdl; may hold "{service}"
    user: str = ""
    password: str = ""
    extra_headers: dict = field(default_factory=dict)  # for every service
    service_headers: dict = field(default_factory=dict)  # service -> {name: value}
    verify: object = True  # True, False or a CA bundle path
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    concurrency: int = 8

    @classmethod
    def from_config(cls, config, **overrides):
        def text(name):
            return config.get(name) or ""

        def per_service(name):
            return {k: v for k, v in (config.get(name) or {}).items() if v}

        values = dict(
            base_url=text("APOGEE_BASE_URL"), service_urls=per_service("APOGEE_SERVICE_URLS"),
            wsdl_dir=text("APOGEE_WSDL_DIR"), wsdl_url=text("APOGEE_WSDL_URL"), user=text("APOGEE_USER"),
            password=text("APOGEE_PASSWORD"), extra_headers=parse_header(config.get("APOGEE_EXTRA_HEADER")),
            service_headers={k: parse_header(v) for k, v in per_service("APOGEE_SERVICE_HEADERS").items()},
            verify=config.get("APOGEE_CA_BUNDLE") or config["APOGEE_VERIFY_TLS"],
            connect_timeout=float(config["APOGEE_CONNECT_TIMEOUT"]),
            read_timeout=float(config["APOGEE_READ_TIMEOUT"]),
            retries=int(config["APOGEE_RETRIES"]),
            backoff=float(config["APOGEE_BACKOFF"]),
            concurrency=max(1, int(config["APOGEE_CONCURRENCY"])),
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
        """Where the service's WSDL is read: a file of APOGEE_WSDL_DIR, or a URL."""
        if self.wsdl_dir:
            path = os.path.join(os.path.abspath(self.wsdl_dir), wsdl_file_name(service))
            if not os.path.isfile(path):
                raise SisNotConfigured(
                    f"APOGEE_WSDL_DIR holds no {wsdl_file_name(service)} (AMUE's file for {service})",
                    code="not-configured",
                )
            return path
        if self.wsdl_url:
            if "{service}" in self.wsdl_url:
                return self.wsdl_url.format(service=service)
            return self.wsdl_url.rstrip("/") + f"/{service}?wsdl"
        return self.endpoint(service) + "?wsdl"

    def headers(self, service):
        return {**self.extra_headers, **self.service_headers.get(service, {})}
