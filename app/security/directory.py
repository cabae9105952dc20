"""The LDAP directory, reached with ldap3: who a login is, whether the password is right, their groups.

One small interface: ``Directory(settings).authenticate(username, password)`` returns a ``Person``
or None, and raises ``DirectoryUnavailable`` when no server answers in time. Nothing here knows
about the application's users or roles (see ``provisioning``).
"""
import logging
import math
import re
import ssl
from dataclasses import dataclass, field

import click
from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars

log = logging.getLogger(__name__)

# Anything printable but the filter's own syntax would do; logins are short words in practice.
USERNAME_MAX_LENGTH = 128
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Bind results that mean "these credentials are refused" rather than "the server cannot answer".
_REFUSED = {48, 49, 50, 53}  # inappropriateAuthentication, invalidCredentials, insufficientRights, unwilling

# Failures of the connection itself: try the next server.
_UNREACHABLE = (
    ldap_errors.LDAPSocketOpenError,
    ldap_errors.LDAPSocketReceiveError,
    ldap_errors.LDAPSocketSendError,
    ldap_errors.LDAPSessionTerminatedByServerError,
    ldap_errors.LDAPStartTLSError,
    ldap_errors.LDAPCommunicationError,
    ldap_errors.LDAPResponseTimeoutError,
    ldap_errors.LDAPSSLConfigurationError,
    ssl.SSLError,
    OSError,
)


class ConfigurationError(click.ClickException):
    """A wrong LDAP_* or IMPERSONATION_* setting: stops the start with one readable line."""


class DirectoryUnavailable(Exception):
    """No directory server could be reached, or the service account is refused."""


class ServerUnusable(Exception):
    """This server cannot serve the request: try the next one."""


# DirectorySettings' plain fields and the configuration keys they come from (defaults: config.py).
_KEYS = {
    "bind_dn": "LDAP_BIND_DN",
    "bind_password": "LDAP_BIND_PASSWORD",
    "people_base": "LDAP_PEOPLE_BASE",
    "people_filter": "LDAP_PEOPLE_FILTER",
    "uid_attribute": "LDAP_UID_ATTRIBUTE",
    "first_name_attribute": "LDAP_FIRST_NAME_ATTRIBUTE",
    "last_name_attribute": "LDAP_LAST_NAME_ATTRIBUTE",
    "email_attribute": "LDAP_EMAIL_ATTRIBUTE",
    "student_number_attribute": "LDAP_STUDENT_NUMBER_ATTRIBUTE",
    "group_attribute": "LDAP_GROUP_ATTRIBUTE",
    "group_base": "LDAP_GROUP_BASE",
    "group_filter": "LDAP_GROUP_FILTER",
    "ca_file": "LDAP_CA_FILE",
}


def _groups_from(config):
    groups_from = (config["LDAP_GROUPS_FROM"] or "").strip().lower()
    if groups_from not in ("memberof", "search"):
        raise ConfigurationError("LDAP_GROUPS_FROM must be 'memberOf' or 'search'.")
    if groups_from == "search" and not config["LDAP_GROUP_BASE"]:
        raise ConfigurationError("LDAP_GROUPS_FROM=search needs LDAP_GROUP_BASE.")
    return groups_from


@dataclass(frozen=True)
class DirectorySettings:
    urls: tuple
    bind_dn: str
    bind_password: str
    people_base: str
    people_filter: str
    uid_attribute: str
    first_name_attribute: str
    last_name_attribute: str
    email_attribute: str
    student_number_attribute: str
    groups_from: str  # "memberof" or "search"
    group_attribute: str
    group_base: str
    group_filter: str
    start_tls: bool
    ca_file: str
    tls_verify: bool
    timeout: float

    @classmethod
    def from_config(cls, config):
        """Build the settings from the Flask configuration (``LDAP_*``, see docs/ldap.md)."""
        urls = tuple(u for u in re.split(r"[\s,]+", config["LDAP_URLS"] or "") if u)
        if not urls:
            raise ConfigurationError(
                "LDAP login is on but LDAP_URLS is empty: give at least one ldap:// or ldaps:// URL."
            )
        if not config["LDAP_PEOPLE_BASE"]:
            raise ConfigurationError(
                "LDAP login is on but LDAP_PEOPLE_BASE is empty: give the base DN of people."
            )
        return cls(
            urls=urls,
            groups_from=_groups_from(config),
            start_tls=bool(config["LDAP_START_TLS"]),
            tls_verify=config["LDAP_TLS_VERIFY"] is not False,
            timeout=float(config["LDAP_TIMEOUT"]),
            **{name: config[key] or "" for name, key in _KEYS.items()},
        )


@dataclass(frozen=True)
class Person:
    """What the directory says about someone who has just proved their password."""

    dn: str
    uid: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    student_number: str = ""
    groups: tuple = field(default_factory=tuple)


def acceptable_username(username):
    """Refuse what no directory login looks like before it reaches a filter (escaped anyway)."""
    return bool(username) and len(username) <= USERNAME_MAX_LENGTH and not _CONTROL.search(username)


def acceptable_password(password):
    # An empty password makes an anonymous bind, which "succeeds" (RFC 4513 §5.1.2).
    return bool(password) and "\x00" not in password


class Directory:
    def __init__(self, settings):
        self.settings = settings

    def authenticate(self, username, password):
        """The Person behind these credentials, or None when they are wrong or unknown.

        Raises DirectoryUnavailable when no server answers within the timeout.
        """
        if not (acceptable_username(username) and acceptable_password(password)):
            return None
        return self._on_any_server(username, password)

    def lookup(self, username):
        """The Person with this login, who proved who they are elsewhere (CAS), or None.

        Raises DirectoryUnavailable when no server answers within the timeout.
        """
        if not acceptable_username(username):
            return None
        return self._on_any_server(username, None)

    def _on_any_server(self, username, password):
        for url in self.settings.urls:
            try:
                return self._person_on(self._server(url), username, password)
            except (ServerUnusable, *_UNREACHABLE) as exc:
                log.warning("LDAP server %s unusable: %s", url, exc)
        raise DirectoryUnavailable("no LDAP server answered")

    # --- one server -------------------------------------------------------------------------

    def _person_on(self, server, username, password):
        """The Person, after checking ``password`` unless it is None (already authenticated)."""
        s = self.settings
        service = self._connect(server, s.bind_dn or None, s.bind_password or None)
        if not service.bound:
            code = service.result.get("result")
            log.error("LDAP service bind as %r refused (result %s): check LDAP_BIND_DN/PASSWORD", s.bind_dn, code)
            raise ServerUnusable(f"service bind refused ({code})")
        try:
            entry = self._find_person(service, username)
            if entry is None:
                return None
            if password is not None and not self._password_is_right(server, entry["dn"], password):
                return None
            attributes = entry["raw_attributes"]
            if s.groups_from == "search":
                groups = self._search_groups(service, entry["dn"], _first(attributes, s.uid_attribute))
            else:
                groups = _all(attributes, s.group_attribute)
        finally:
            service.unbind()
        return Person(
            dn=entry["dn"],
            uid=_first(attributes, s.uid_attribute) or username,
            first_name=_first(attributes, s.first_name_attribute),
            last_name=_first(attributes, s.last_name_attribute),
            email=_first(attributes, s.email_attribute),
            student_number=_first(attributes, s.student_number_attribute) if s.student_number_attribute else "",
            groups=tuple(groups),
        )

    def _find_person(self, conn, username):
        s = self.settings
        wanted = f"({s.uid_attribute}={escape_filter_chars(username)})"
        people_filter = s.people_filter.strip()
        if people_filter and not people_filter.startswith("("):
            people_filter = f"({people_filter})"
        search_filter = f"(&{people_filter}{wanted})" if people_filter else wanted
        attributes = [s.uid_attribute, s.first_name_attribute, s.last_name_attribute, s.email_attribute]
        if s.student_number_attribute:
            attributes.append(s.student_number_attribute)
        if s.groups_from == "memberof":
            attributes.append(s.group_attribute)  # operational in OpenLDAP: only returned when asked
        self._search(conn, s.people_base, search_filter, attributes, size_limit=2)
        hits = [r for r in conn.response or [] if r.get("type") == "searchResEntry"]
        if len(hits) != 1:
            if len(hits) > 1:
                log.warning("LDAP login %r matches several entries: refused", username)
            return None
        return hits[0]

    def _search_groups(self, conn, dn, uid):
        s = self.settings
        group_filter = s.group_filter.format(dn=escape_filter_chars(dn), uid=escape_filter_chars(uid or ""))
        self._search(conn, s.group_base, group_filter, [], size_limit=0)
        return [r["dn"] for r in conn.response or [] if r.get("type") == "searchResEntry"]

    def _search(self, conn, base, search_filter, attributes, size_limit):
        ok = conn.search(base, search_filter, SUBTREE, attributes=attributes or NONE_ATTRIBUTES,
                         size_limit=size_limit, time_limit=max(1, int(self.settings.timeout)))
        code = conn.result.get("result")
        # 0 success, 4 sizeLimitExceeded (more than we asked for: the caller refuses), 32 noSuchObject.
        if not ok and code not in (0, 4, 32):
            raise ServerUnusable(f"search refused ({code} {conn.result.get('description')})")

    def _password_is_right(self, server, dn, password):
        conn = self._connect(server, dn, password)
        try:
            if conn.bound:
                return True
            code = conn.result.get("result")
            if code in _REFUSED:
                return False
            raise ServerUnusable(f"user bind failed ({code})")
        finally:
            conn.unbind()

    # --- connections ------------------------------------------------------------------------

    def _server(self, url):
        s = self.settings
        tls = None
        if url.lower().startswith("ldaps://") or s.start_tls:
            tls = Tls(
                validate=ssl.CERT_REQUIRED if s.tls_verify else ssl.CERT_NONE,
                ca_certs_file=s.ca_file or None,
            )
        return Server(url, connect_timeout=s.timeout, get_info=NONE, tls=tls)

    def _connect(self, server, user, password):
        """An open connection, bound as ``user`` if the server accepts; exceptions mean unreachable."""
        conn = Connection(
            server,
            user=user,
            password=password,
            # ldap3 packs it into SO_RCVTIMEO as whole seconds.
            receive_timeout=max(1, math.ceil(self.settings.timeout)),
            read_only=True,
            auto_referrals=False,
            raise_exceptions=False,
        )
        conn.open()
        if self.settings.start_tls and not server.ssl:
            if not conn.start_tls():
                conn.unbind()
                raise ServerUnusable("StartTLS refused")
        conn.bind()
        return conn


NONE_ATTRIBUTES = ["1.1"]  # RFC 4511: "no attributes"


def _all(attributes, name):
    values = attributes.get(name) or []
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values if v]


def _first(attributes, name):
    values = _all(attributes, name)
    return values[0].strip() if values else ""
