"""Every way a call to Apogée can go wrong, as one of the seam's errors (``app.sis.interface``).

Faults: ``faultstring`` is Apogée's error code (``strip()``: some carry a trailing space); "no data"
codes are not errors (the caller gets an empty answer). Transport: network, timeouts, HTTP
statuses. Documents: answers or WSDLs that cannot be read. Each error names the operation and
says whether asking again later may help (``transient``).
"""
import requests
from lxml.etree import XMLSyntaxError as LxmlSyntaxError
from zeep import exceptions as zx

from app.sis.interface import SisBadAnswer, SisError, SisFault, SisUnavailable
from app.sis.transport import network_error

NO_DATA_PREFIXES = ("technical.data.nullretrieve.", "technical.parameter.nullretrieve.")
# Apogée offline ("WS_OFFLINE"): it comes back, so the call is worth repeating.
TRANSIENT_FAULTS = ("technical.data.transaction.connexion",)
NO_DATA = object()


class ApogeeFault(SisFault):
    """Apogée answered with a fault that is not "no data"; ``code`` is its faultstring."""


def is_no_data(code):
    return code.startswith(NO_DATA_PREFIXES)


def classify(exc, what, reading="answer"):
    """The SisError for an exception raised while calling ``what`` (or NO_DATA for a "no data"
    fault); None for an exception that is not about Apogée (a bug: let it be seen).

    ``reading``: "answer" or "wsdl", what was being read when a document could not be parsed.
    """
    if isinstance(exc, SisError):
        return exc
    if isinstance(exc, zx.Fault):
        return _fault(exc, what)
    for check in (_network, _http, _document):
        error = check(exc, what, reading)
        if error is not None:
            return error
    return None


def _fault(fault, what):
    if _not_soap(fault):  # a proxy's XML error page: no SOAP Fault in it
        return SisUnavailable(f"Apogée answered something that is not SOAP ({what})", code="bad-response",
                              operation=what, transient=True)
    code = (fault.message or "").strip()
    if is_no_data(code):
        return NO_DATA
    text = _fault_text(fault) or code
    return ApogeeFault(f"Apogée {what}: {code} — {text}", code=code, operation=what,
                       transient=code in TRANSIENT_FAULTS)


def _not_soap(fault):
    return isinstance(fault.detail, (bytes, str))


def _fault_text(fault):
    detail = fault.detail
    if detail is None or _not_soap(fault):
        return ""
    for element in detail.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "lastErrorMsg" and element.text:
            return element.text.strip()
    return ""


def _network(exc, what, reading):
    return network_error(exc, "Apogée", what)


def _http(exc, what, reading):
    status = None
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
    elif isinstance(exc, zx.TransportError):
        status = exc.status_code
        if status < 300:  # zeep's wrapping of a successful answer that is not XML
            return SisBadAnswer(f"Apogée's answer is not XML ({what})", code="not-xml", operation=what)
    if status is None:
        return None
    if status in (401, 403):
        return SisUnavailable(
            f"Apogée refused the credentials (HTTP {status}) for {what}: check APOGEE_USER and APOGEE_PASSWORD",
            code=f"http-{status}", operation=what,
        )
    if status == 404:
        return SisUnavailable(f"No Apogée service at this address (HTTP 404): {what}", code="http-404", operation=what)
    return SisUnavailable(f"Apogée answered HTTP {status} ({what})", code=f"http-{status}", operation=what,
                          transient=status >= 500)


def _document(exc, what, reading):
    """An answer or a WSDL that cannot be read."""
    bad = "bad-wsdl" if reading == "wsdl" else "bad-answer"
    if isinstance(exc, (zx.DTDForbidden, zx.EntitiesForbidden)):
        return SisBadAnswer(f"Apogée's {reading} carries a DTD or entities, refused ({what})", code="xml-refused",
                            operation=what)
    if isinstance(exc, zx.ExternalReferenceForbidden):
        return SisBadAnswer(f"Apogée's WSDL refers to another place, refused: {exc.url}", code="forbidden-import",
                            operation=what)
    if isinstance(exc, (LxmlSyntaxError, zx.XMLSyntaxError)):
        return SisBadAnswer(f"Apogée's {reading} is not XML ({what}): {exc}", code="not-xml", operation=what,
                            transient=reading == "answer")
    if isinstance(exc, zx.ValidationError):
        return SisBadAnswer(f"Apogée's WSDL does not accept this request ({what}): {exc}", code="bad-request",
                            operation=what)
    if isinstance(exc, zx.Error) or (reading == "wsdl" and isinstance(exc, (OSError, ValueError, KeyError))):
        return SisBadAnswer(f"Apogée's {reading} cannot be read ({what}): {exc}", code=bad, operation=what)
    return None
