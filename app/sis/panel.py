"""The contract page's panel: the student's pedagogical registrations (IP, or Pégase's pedagogical
choices) and results of the contract's year, and the documents they approved when registering
(Pégase's ``accords``), read from the student information system when the page is shown, kept a few
minutes; with what the system said of each registration at the last sync (Pégase's special
arrangements, parallel course and césure) and what it cannot say.

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
from app.sis.service import get_sis, system_name

log = logging.getLogger(__name__)
_cache = TTLCache()
FAILURE_TTL = 30  # seconds: a down system is not asked again at every page view

# What the reader is told, by the seam's error kind (details go to the log).
REASONS = {
    "unavailable": _l("%(system)s cannot be reached or did not answer in time."),
    "fault": _l("%(system)s answered with an error (%(code)s)."),
    "bad-answer": _l("%(system)s's answer could not be read."),
    "not-configured": _l("The connection to %(system)s is not configured."),
}
UNEXPECTED = _l("An unexpected error occurred while reading %(system)s's answer.")
# What each system cannot give: said on the page rather than left blank or guessed.
NOT_GIVEN = {
    "apogee": _l("Apogée gives neither the special study arrangements, nor a parallel course, nor a gap year, nor "
                 "the documents approved when registering."),
    "pegase": _l("Pégase gives neither the « oui si » category nor the adjusted path; the repeating year is "
                 "counted from its registrations. Only the grades and results whose publication Pégase allows "
                 "are shown."),
}


def reason_of(error):
    """The reason shown in the panel for a failure (an exception)."""
    values = {"system": system_name(), "code": getattr(error, "code", None) or ""}
    if not isinstance(error, SisError):
        return UNEXPECTED % values
    return REASONS.get(error.kind, UNEXPECTED) % values


def courses_for(student_number, year, programme):
    """(courses, the failure) for one registration, through the cache."""
    return _cached(("courses", student_number, year, programme.step_code, programme.step_version),
                   lambda sis: sis.course_registrations(student_number, year, programme.step_code,
                                                        programme.step_version))


def agreements_for(student_number, year):
    """(the documents approved when registering for the year, the failure), through the cache;
    the documents are None when the system does not give them."""
    return _cached(("agreements", student_number, year), lambda sis: sis.agreements(student_number, year))


def _cached(what, ask):
    """(``ask(sis)``, None), or (None, the failure), kept a few minutes (a failure 30 seconds). The
    failure is kept, not its reason: the cache serves readers of both languages."""
    config = current_app.config
    key = (config.get("SIS_BACKEND"), config.get("APOGEE_BASE_URL"), config.get("PEGASE_BASE_URL")) + what
    cached = _cache.get(key)
    if cached is not MISSING:
        return cached
    try:
        answer, ttl = (ask(get_sis(for_pages=True)), None), config["APOGEE_PAGE_CACHE_SECONDS"]
    except SisError as exc:
        log.warning("%s unavailable: %s", what, exc)
        answer, ttl = (None, exc.with_traceback(None)), FAILURE_TTL
    except Exception as exc:  # noqa: BLE001 - an optional panel never takes the contract page down
        log.exception("%s: unexpected error", what)
        answer, ttl = (None, exc.with_traceback(None)), FAILURE_TTL
    _cache.set(key, answer, ttl)
    return answer


def sis_record_panel(contract, user):
    if not policy.can_see_sis_record(user, contract):
        return None
    student = contract.student
    registrations = sorted(
        student.registrations_for(contract.year), key=lambda r: (not r.is_primary, r.programme.step_code)
    )
    agreements, failure = agreements_for(student.student_number, contract.year) if registrations else ([], None)
    if agreements is not None and policy.is_own(user, contract):
        agreements = [a for a in agreements if a.visible_to_student]  # as Pégase showed them to the student
    blocks = []
    for registration in registrations:
        courses, error = courses_for(student.student_number, contract.year, registration.programme)
        blocks.append({"registration": registration, "courses": courses, "error": error and reason_of(error),
                       "arrangements": arrangements_of(registration),
                       "agreements": [a for a in agreements or () if a.step_code == registration.programme.step_code],
                       "agreements_error": failure and reason_of(failure)})
    backend = current_app.config.get("SIS_BACKEND")
    return Markup(render_template("sis/_record_panel.html", contract=contract, blocks=blocks, system=system_name(),
                                  gives_agreements=agreements is not None or failure is not None,
                                  not_given=NOT_GIVEN.get(backend)))


def arrangements_of(registration):
    """[(code, the catalogue's need it ticks or None)] of a registration's special arrangements."""
    from app.sis.prefill import matching_needs

    return [(code, next(iter(matching_needs([code])), None)) for code in registration.arrangements]


def clear_cache():
    _cache.clear()
