"""The CAS server (protocol 3.0), reached with python-cas: where to send the browser, what a
service ticket says (``p3/serviceValidate``, with attributes), and single logout.

One small interface: ``CasServer(settings)`` with ``login_url(service)``, ``validate(ticket,
service)`` → ``CasIdentity`` or None, ``logout_url(back)``; and ``logout_ticket(xml)`` for the
server's single-logout requests. ``CasUnavailable`` when the server cannot be reached in time or
answers nonsense. Nothing here knows about accounts or roles (see ``cas_views`` and
``provisioning``).
"""
import logging
import re
from dataclasses import dataclass, field

import requests
from cas import CASClientV3
from lxml import etree

log = logging.getLogger(__name__)

TICKET = re.compile(r"^(ST|PT)-[A-Za-z0-9._-]{1,256}$")
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
# The server's single-logout requests: small, no entities, no network.
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class CasUnavailable(Exception):
    """The CAS server could not be reached, or its answer could not be read."""


@dataclass(frozen=True)
class CasSettings:
    server_url: str
    timeout: float = 5.0
    ca_file: str = ""

    @classmethod
    def from_config(cls, config):
        from app.security.directory import ConfigurationError

        url = (config.get("CAS_SERVER_URL") or "").strip()
        if not re.match(r"^https?://[^/\s]+", url):
            raise ConfigurationError(
                "AUTH_TYPE=cas needs CAS_SERVER_URL, the CAS server's address, e.g. https://cas.univ.fr/cas/"
            )
        return cls(server_url=url if url.endswith("/") else url + "/",
                   timeout=float(config["CAS_TIMEOUT"]),
                   ca_file=config["CAS_CA_FILE"] or "")


@dataclass(frozen=True)
class CasIdentity:
    user: str
    attributes: dict = field(default_factory=dict)

    def first(self, name):
        values = self.all(name)
        return values[0] if values else ""

    def all(self, name):
        if not name:
            return []
        value = self.attributes.get(name)
        values = value if isinstance(value, list) else [value]
        return [str(v).strip() for v in values if v is not None and str(v).strip()]


class _TimedSession(requests.Session):
    """python-cas calls the server without a timeout: every call here has one."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


class CasServer:
    def __init__(self, settings):
        self.settings = settings

    def _client(self, service):
        return CASClientV3(
            service_url=service,
            server_url=self.settings.server_url,
            verify_ssl_certificate=self.settings.ca_file or True,
            session=_TimedSession(self.settings.timeout),
        )

    def login_url(self, service):
        return self._client(service).get_login_url()

    def logout_url(self, back):
        return self._client(back).get_logout_url(back)

    def validate(self, ticket, service):
        """Who the ticket was issued to, or None (unknown, already used or expired ticket)."""
        if not TICKET.match(ticket or ""):
            return None
        try:
            user, attributes, _pgt = self._client(service).verify_ticket(ticket)
        except (requests.RequestException, etree.Error, SyntaxError, ValueError, IndexError) as exc:
            # ElementTree's ParseError is a SyntaxError: the server answered something else than CAS.
            raise CasUnavailable(str(exc)) from exc
        if not user:
            log.info("CAS refused a service ticket (unknown, used or expired)")
            return None
        return CasIdentity(user=user.strip(), attributes=attributes or {})


def logout_ticket(xml):
    """The service ticket named by a CAS single-logout request, or None when it names none."""
    try:
        root = etree.fromstring((xml or "").encode(), _SAFE_XML)
    except (etree.XMLSyntaxError, ValueError):
        return None
    found = root.xpath("//samlp:SessionIndex/text()", namespaces={"samlp": SAMLP})
    ticket = found[0].strip() if found else ""
    return ticket if TICKET.match(ticket) else None
