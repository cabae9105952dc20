"""HTTP to Pégase's APIs with requests: the service account's JWT, timeouts, retries of transport
errors, a bounded connection pool, every failure as one of the seam's errors.

The JWT comes from Pégase's CAS REST ticket endpoint (``POST username, password, token=true``, as
ESUP's applications do) and is renewed ``token_margin`` seconds before its ``exp``, or at once when
an API refuses it (401/403: revoked, clock skew) — the call is then made again, once.
"""
import logging
import threading
import time

import jwt
import requests
from requests.adapters import HTTPAdapter

from app.sis.interface import SisBadAnswer, SisError
from app.sis.pegase.errors import http_error, not_json, transport_error

log = logging.getLogger(__name__)


class TokenSource:
    """The current JWT of the service account; thread-safe, fetched once for all threads."""

    def __init__(self, settings, session, clock=time.time):
        self.settings = settings
        self.session = session
        self.clock = clock
        self._lock = threading.Lock()
        self._token = None
        self._expires = 0.0
        self.fetched = 0

    def token(self):
        with self._lock:
            if self._token is None or self.clock() >= self._expires - self.settings.token_margin:
                self._token, self._expires = self._fetch()
                self.fetched += 1
            return self._token

    def invalidate(self, token):
        """Forget ``token`` (an API refused it) unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self):
        settings = self.settings
        url = settings.token_url()
        data = {"username": settings.user, "password": settings.password, "token": "true"}
        response = send(self.session, "post", url, settings, "cas", data=data)
        if response.status_code not in (200, 201):
            raise http_error(response, "cas", account_hint="check PEGASE_USER, PEGASE_PASSWORD and PEGASE_AUTH_URL")
        token = response.text.strip()
        try:
            claims = jwt.decode(token, options={"verify_signature": False})  # ours to use, Pégase's to verify
        except jwt.PyJWTError:
            raise SisBadAnswer("Pégase's CAS did not answer a JWT (is PEGASE_AUTH_URL its /cas/v1/tickets?)",
                               code="bad-token", operation="cas") from None
        expires = claims.get("exp")
        now = self.clock()
        if not isinstance(expires, (int, float)):
            expires = now + settings.token_seconds
        log.info("Pégase: new service account token, valid %.0f s", expires - now)
        return token, float(expires)


def send(session, method, url, settings, what, **kwargs):
    """One request, transport errors retried with exponential backoff; the response (any status)."""
    attempts = settings.retries + 1
    for attempt in range(attempts):
        try:
            return session.request(method, url, timeout=(settings.connect_timeout, settings.read_timeout),
                                   verify=settings.verify, **kwargs)
        except requests.RequestException as exc:
            error = transport_error(exc, what)
            if error is None:
                raise SisError(f"Pégase {what}: {exc}", code="request", operation=what) from exc
            if not error.transient or attempt == attempts - 1:
                raise error from exc
            delay = settings.backoff * (2 ** attempt)
            log.info("Pégase %s failed (%s); retry %s in %.1fs", what, error.code, attempt + 1, delay)
            time.sleep(delay)
    raise AssertionError("unreachable")


class PegaseClient:
    """Thread-safe: one instance serves a whole thread pool."""

    def __init__(self, settings):
        self.settings = settings
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=settings.concurrency + 2, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["Accept"] = "application/json"
        self.tokens = TokenSource(settings, self.session)

    def get(self, api, path, what, params=None):
        """The JSON answer of ``GET <api URL><path>``; None when Pégase says there is nothing (404)."""
        url = self.settings.url(api) + path
        for renewed in (False, True):
            token = self.tokens.token()
            response = send(self.session, "get", url, self.settings, what, params=params,
                            headers={"Authorization": f"Bearer {token}"})
            if response.status_code in (401, 403) and not renewed:
                self.tokens.invalidate(token)  # expired early or revoked: a new one, then once more
                continue
            break
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise http_error(response, what)
        try:
            return response.json()
        except ValueError:
            raise not_json(what) from None

    def close(self):
        self.session.close()
