"""What the application needs from a student information system, whatever it is.

Apogée (SOAP) is the first implementation; a Pégase (REST) one will come behind the same seam, so
nothing here names an Apogée operation or field. Records are plain, immutable values.
"""
import abc
from dataclasses import dataclass, field
from datetime import date
from typing import Optional


# --- Errors ------------------------------------------------------------------------------------


class SisError(Exception):
    """Something went wrong talking to the student information system.

    ``kind``: the seam's own code, the same whatever the system (``unavailable``, ``fault``,
    ``bad-answer``, ``not-configured``). ``code``: the system's own error code when it gave one (an
    Apogée fault string), else a short tag of ours (``timeout``, ``http-401``, ``not-xml``…).
    ``operation``: what was being asked (e.g. ``EtudiantMetier.recupererInfosAdmEtu_v4``).
    ``transient``: asking again a little later may work (network, timeout, system offline).
    """

    kind = "error"

    def __init__(self, message, code=None, operation=None, transient=False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.operation = operation
        self.transient = transient

    def __str__(self):
        return f"{self.code}: {self.message}" if self.code and self.code not in self.message else self.message


class SisUnavailable(SisError):
    """The system cannot be reached or refuses to work (network, timeout, offline, credentials)."""

    kind = "unavailable"


class SisFault(SisError):
    """The system answered with an error that is not "no data"."""

    kind = "fault"


class SisBadAnswer(SisError):
    """The system's answer (or its description, a WSDL) cannot be read."""

    kind = "bad-answer"


class SisNotConfigured(SisError):
    """The configuration does not say how to reach the system."""

    kind = "not-configured"


# --- Records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacultyRecord:
    code: str
    label: Optional[str]  # None: the system does not name it (Pégase): the name we hold is kept


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
    arrangements: tuple = ()  # codes of the « régimes spéciaux d'études » (Pégase: RSE…)
    parallel_course: Optional[str] = None  # Pégase's cursusParallele: the parallel course's code (CUP…)
    gap_year: Optional[str] = None  # Pégase's césure: "SEMESTRE" or "ANNEE"; None without one

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
class AgreementRecord:
    """A document the student was asked to approve when registering (Pégase's ``accords``: the
    exam charter, the internal rules…), with their answer."""

    step_code: str  # the programme of the registration it was asked for
    code: str
    label: str
    accepted: Optional[bool]  # None: not answered
    answered_on: Optional[date]
    blocking: bool = False  # the registration could not go on without an answer
    visible_to_student: bool = True
    text: Optional[str] = None  # what the student read, as the system gives it (may be HTML: cleaned when shown)


# --- The interface -----------------------------------------------------------------------------


class StudentInformationSystem(abc.ABC):
    """Reads only what the application uses. Every method raises ``SisError`` subclasses; "nothing
    found" is an empty answer. Methods may be called from several threads at once (the sync asks
    ``concurrency`` students at a time)."""

    name = "the student information system"  # in messages: "Apogée", "Pégase"
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

    def agreements(self, student_number, year):
        """The documents approved (or refused) when registering for the year: [AgreementRecord];
        None when the system does not give them (Apogée)."""
        return None

    def close(self):
        """Release connections."""
