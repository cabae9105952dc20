"""The contract page's panel: the student's pedagogical registrations (IP) and results of the
contract's year, read from the student information system when the page is shown, kept a few minutes.

Only for those who may see the student's record (``policy.can_see_sis_record``). When the system is
slow, down or answers something unreadable, the page still renders and the panel says why.
"""
import logging

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import policy
from app.sis.cache import MISSING, TTLCache
from app.sis.interface import SisError
from app.sis.service import get_sis

log = logging.getLogger(__name__)
_cache = TTLCache()
FAILURE_TTL = 30  # seconds: a down system is not asked again at every page view

# What the reader is told, by the seam's error kind (details go to the log).
REASONS = {
    "unavailable": _l("Apogée cannot be reached or did not answer in time."),
    "fault": _l("Apogée answered with an error (%(code)s)."),
    "bad-answer": _l("Apogée's answer could not be read."),
    "not-configured": _l("The connection to Apogée is not configured."),
}
UNEXPECTED = _l("An unexpected error occurred while reading Apogée's answer.")


def reason_of(error):
    """The reason shown in the panel for a failure (an exception)."""
    if not isinstance(error, SisError):
        return UNEXPECTED
    reason = REASONS.get(error.kind, UNEXPECTED)
    return reason % {"code": error.code or ""} if error.kind == "fault" else reason


def courses_for(student_number, year, programme):
    """(courses, reason of the failure) for one registration, through the cache."""
    config = current_app.config
    key = (config.get("APOGEE_BASE_URL"), student_number, year, programme.step_code, programme.step_version)
    cached = _cache.get(key)
    if cached is not MISSING:
        return cached
    try:
        sis = get_sis(for_pages=True)
        answer = (sis.course_registrations(student_number, year, programme.step_code, programme.step_version), None)
        ttl = config.get("APOGEE_PAGE_CACHE_SECONDS", 300)
    except SisError as exc:
        log.warning("IP of %s %s %s unavailable: %s", student_number, year, programme.code, exc)
        answer, ttl = (None, reason_of(exc)), FAILURE_TTL
    except Exception as exc:  # noqa: BLE001 - an optional panel never takes the contract page down
        log.exception("IP of %s %s %s: unexpected error", student_number, year, programme.code)
        answer, ttl = (None, reason_of(exc)), FAILURE_TTL
    _cache.set(key, answer, ttl)
    return answer


def sis_record_panel(contract, user):
    if not policy.can_see_sis_record(user, contract):
        return None
    student = contract.student
    registrations = sorted(
        student.registrations_for(contract.year), key=lambda r: (not r.is_primary, r.programme.step_code)
    )
    blocks = []
    for registration in registrations:
        courses, error = courses_for(student.student_number, contract.year, registration.programme)
        blocks.append({"registration": registration, "courses": courses, "error": error})
    return Markup(render_template("sis/_record_panel.html", contract=contract, blocks=blocks))


def clear_cache():
    _cache.clear()
