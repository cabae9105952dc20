"""What the application needs from a student information system, whatever it is.

Apogée (SOAP) is the first implementation; a Pégase (REST) one will come behind the same seam, so
nothing here names an Apogée operation or field. Records are plain, immutable values.
"""
import abc
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Optional


# --- Errors ------------------------------------------------------------------------------------


class SisError(Exception):
    """Something went wrong talking to the student information system.

    ``code`` is the system's own error code when it gave one (an Apogée fault string), else a short
    tag of ours (``transport``, ``timeout``, ``http-401``…).
    """

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return f"{self.code}: {self.message}" if self.code and self.code not in self.message else self.message


class SisUnavailable(SisError):
    """The system cannot be reached or refuses to work (network, timeout, offline, credentials)."""


class SisFault(SisError):
    """The system answered with an error that is not "no data"."""


class SisNotConfigured(SisError):
    """No address is configured for the student information system."""


# --- Records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacultyRecord:
    code: str
    label: str


@dataclass(frozen=True)
class ProgrammeRecord:
    """A programme (version d'étape) with its diploma and faculty."""

    step_code: str
    step_version: str
    label: str
    faculty_code: str
    faculty_label: str = ""
    diploma_code: Optional[str] = None
    diploma_version: Optional[str] = None
    diploma_type: Optional[str] = None

    @property
    def key(self):
        return (self.step_code, self.step_version)


@dataclass(frozen=True)
class StudentListing:
    """A student as a programme's list gives them: enough to fetch the rest."""

    student_number: str
    last_name: str = ""
    first_name: str = ""


@dataclass(frozen=True)
class StudentIdentity:
    student_number: str
    ine: Optional[str]
    last_name: str
    first_name: str
    birth_date: Optional[date]


@dataclass(frozen=True)
class StudentContact:
    email: Optional[str]
    directory_login: Optional[str]


@dataclass(frozen=True)
class RegistrationRecord:
    """An administrative registration (IA) to a programme for a year."""

    year: int
    programme: ProgrammeRecord
    is_primary: bool
    is_cancelled: bool
    profile_code: Optional[str] = None
    regime_code: Optional[str] = None
    regime_label: Optional[str] = None
    enrolment_count: int = 1
    oui_si_category: Optional[str] = None
    adjusted_path: Optional[str] = None
    is_paid: bool = True

    @property
    def is_repeating(self):
        # No "repeating" flag exists in Apogée: a second enrolment in the same step is one.
        return self.enrolment_count > 1


@dataclass(frozen=True)
class StudentSnapshot:
    """Everything the sync needs about one student for one year; ``identity`` None = unknown."""

    student_number: str
    identity: Optional[StudentIdentity]
    contact: Optional[StudentContact]
    registrations: tuple = ()


@dataclass(frozen=True)
class CourseResult:
    session: str
    grade: Optional[str]
    outcome: Optional[str]
    outcome_code: Optional[str]
    final: bool


@dataclass(frozen=True)
class CourseRecord:
    """One course (ELP) of a pedagogical registration (IP), with its results; depth 1 = top."""

    code: str
    label: str
    parent_code: Optional[str]
    depth: int
    nature: Optional[str]
    credits: Optional[str]
    registration_kind: Optional[str]
    results: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class CodeLabel:
    code: str
    label: str


# --- The interface -----------------------------------------------------------------------------


class StudentInformationSystem(abc.ABC):
    """Reads only. Every method raises ``SisError`` subclasses; "nothing found" is an empty answer."""

    concurrency = 1

    @abc.abstractmethod
    def faculties(self):
        """The faculties in service: [FacultyRecord]."""

    @abc.abstractmethod
    def programmes(self, year, diploma_types):
        """The programmes of these diploma types open in ``year``: [ProgrammeRecord]."""

    @abc.abstractmethod
    def students_of(self, programme, year):
        """The students registered in a programme (a ProgrammeRecord) for a year: [StudentListing]."""

    @abc.abstractmethod
    def student(self, student_number, year):
        """Identity, contact and the year's registrations (cancelled ones included): StudentSnapshot."""

    @abc.abstractmethod
    def course_registrations(self, student_number, year, step_code, step_version):
        """The pedagogical registration (IP) in a programme for a year, with results: [CourseRecord]."""

    @abc.abstractmethod
    def profiles(self):
        """Student profile codes in service: [CodeLabel]."""

    @abc.abstractmethod
    def regimes(self):
        """Registration régimes in service: [CodeLabel]."""

    def ping(self):
        """Raise a SisError when the system cannot be used at all (address, credentials)."""
        self.faculties()

    def map(self, func, items, on_wait=None):
        """Apply ``func`` to each item through a bounded thread pool, in order.

        Yields ``(item, result, error)``; an exception raised by ``func`` is yielded, not raised, so
        one failure does not stop the others. ``on_wait()`` is called before waiting for a result
        that is not there yet (the caller may do useful work, e.g. commit).
        """
        yield from bounded_map(func, items, self.concurrency, on_wait)

    def close(self):
        """Release connections."""


def bounded_map(func, items, workers, on_wait=None):
    """``(item, result, error)`` for each item, in order, with at most ``workers`` calls at once.

    Only a window of ``2 × workers`` calls is queued ahead, so huge inputs cost little memory and a
    consumer that stops early leaves little work behind.
    """
    workers = max(1, int(workers))
    window = deque()
    iterator = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sis") as pool:
        try:
            for item in iterator:
                window.append((item, pool.submit(_capture, func, item)))
                if len(window) >= 2 * workers:
                    yield _settle(window.popleft(), on_wait)
            while window:
                yield _settle(window.popleft(), on_wait)
        finally:
            for _, future in window:
                future.cancel()


def _capture(func, item):
    try:
        return func(item), None
    except Exception as exc:  # noqa: BLE001 - handed back to the caller, per item
        return None, exc


def _settle(entry, on_wait):
    item, future = entry
    if on_wait is not None and not future.done():
        on_wait()
    result, error = future.result()
    return item, result, error
