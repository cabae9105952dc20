"""The contract page's panel: the student's pedagogical registrations (IP) and results of the
contract's year, read from Apogée when the page is shown, kept a few minutes.

Only for those who may see the student's record (``policy.can_see_sis_record``). When Apogée is
slow or down, the page still renders and says the data is unavailable.
"""
import logging

from flask import current_app, render_template
from markupsafe import Markup

from app import policy
from app.sis.cache import MISSING, TTLCache
from app.sis.interface import SisError
from app.sis.service import get_sis

log = logging.getLogger(__name__)
_cache = TTLCache()
FAILURE_TTL = 30  # seconds: a down Apogée is not asked again at every page view


def courses_for(student_number, year, programme):
    """(courses, error message) for one registration, through the cache."""
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
        answer, ttl = (None, exc.message), FAILURE_TTL
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
