"""Every way a call to Pégase can go wrong, as one of the seam's errors (``app.sis.interface``),
with the same kinds and code style as Apogée's: ``timeout``, ``transport``, ``tls``, ``http-<status>``,
``not-json``, ``bad-token``. Each names the operation and says whether asking again later may help."""

from app.sis.interface import SisBadAnswer, SisFault, SisUnavailable
from app.sis.transport import network_error


class PegaseFault(SisFault):
    """Pégase refused the request itself (HTTP 400): ``code`` is ``http-400``, the message Pégase's."""


def transport_error(exc, what):
    """The SisError for a network failure, or None for an exception that is not one."""
    return network_error(exc, "Pégase", what)


def http_error(response, what, account_hint="check PEGASE_USER and PEGASE_PASSWORD"):
    """The SisError for an answer that is not a success (404 is "no data": not an error)."""
    status = response.status_code
    detail = _message(response)
    if status in (401, 403):
        return SisUnavailable(f"Pégase refused the service account (HTTP {status}) for {what}: {account_hint}",
                              code=f"http-{status}", operation=what)
    if status == 400:
        return PegaseFault(f"Pégase refused the request {what}: {detail or 'HTTP 400'}", code="http-400",
                           operation=what)
    return SisUnavailable(f"Pégase answered HTTP {status} ({what})", code=f"http-{status}", operation=what,
                          transient=status >= 500 or status == 429)


def not_json(what):
    return SisBadAnswer(f"Pégase's answer to {what} is not JSON", code="not-json", operation=what, transient=True)


def bad_shape(what, exc):
    return SisBadAnswer(f"Pégase's answer to {what} cannot be read: {exc}", code="bad-answer", operation=what)


def _message(response):
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("code") or "")[:300]
    return ""
