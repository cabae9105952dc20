"""The network failures of a call to a student information system, as the seam's errors: the same
codes (``timeout``, ``tls``, ``transport``) and wording whichever system was called."""
import requests

from app.sis.interface import SisUnavailable


def network_error(exc, system, what):
    """The SisUnavailable for a network failure calling ``system`` for ``what``, or None for an
    exception that is not one. Timeouts and refused connections may pass: asking again can help."""
    if isinstance(exc, requests.Timeout):
        return SisUnavailable(f"{system} did not answer in time ({what})", code="timeout", operation=what,
                              transient=True)
    if isinstance(exc, requests.exceptions.SSLError):
        return SisUnavailable(f"{system}'s TLS certificate was refused ({what}): {exc}", code="tls", operation=what)
    if isinstance(exc, requests.ConnectionError):
        return SisUnavailable(f"{system} cannot be reached ({what})", code="transport", operation=what, transient=True)
    return None
