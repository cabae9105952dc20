"""The simulated Apogée's data: an offer, students, their registrations and results.

Students can be materialised (the demo, tests' edits) or built on demand from a generator
(``generator.py``), so a 40,000-student university costs little memory: only a light index
(student number → the programmes they are listed in) is kept.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Optional


@dataclass
class SimFaculty:
    code: str
    label: str
    in_service: bool = True
    children: list = field(default_factory=list)  # codes of sub-faculties


@dataclass
class SimCourse:
    """An ELP of a programme's structure; depth 1 = semester, 2 = UE, 3 = subject."""

    code: str
    label: str
    nature: str
    credits: Optional[str]
    parent: Optional[str]
    depth: int


@dataclass
class SimProgramme:
    """A VET with its VDI and diploma."""

    step_code: str
    version: str
    label: str
    faculty: str
    diploma_code: str
    diploma_version: str
    diploma_label: str
    diploma_type: str
    courses: list = field(default_factory=list)
    open: bool = True

    @property
    def key(self):
        return (self.step_code, self.version)


@dataclass
class SimRegistration:
    """One IA étape (with what its IA annuelle says)."""

    year: int
    step_code: str
    version: str
    primary: bool = True
    state: str = "E"  # IA étape: E en cours, A annulée, R résiliée
    annual_state: str = "E"
    regime_code: str = "1"
    regime_label: str = "Formation initiale"
    enrolments: int = 1
    profile: Optional[tuple] = None  # (code, label)
    paid: bool = True
    oui_si: Optional[tuple] = None  # (code, label)
    adjusted: Optional[tuple] = None  # (code, label)

    @property
    def key(self):
        return (self.step_code, self.version)


@dataclass
class SimResult:
    session: str  # "1" or "2"
    grade: Optional[str]
    outcome: str  # ADM, AJ, ADJ...
    final: bool = True


@dataclass
class SimStudent:
    number: str
    ine: str
    last_name: str
    first_name: str
    birth_date: date
    email: Optional[str] = None
    directory_email: Optional[str] = None
    directory_login: Optional[str] = None
    usual_name: Optional[str] = None
    has_address: bool = True
    first_year: Optional[int] = None
    handicap: Optional[str] = None  # served because Apogée does; the application never reads it
    registrations: list = field(default_factory=list)
    # (year, step_code, version) -> {course code: [SimResult]}
    results: dict = field(default_factory=dict)

    def registrations_of(self, year=None):
        return [r for r in self.registrations if year is None or r.year == year]


OUTCOMES = {"ADM": "Admis", "AJ": "Ajourné", "ADJ": "Admis par compensation", "DEF": "Défaillant"}
REGIMES = [("1", "Formation initiale"), ("2", "Formation continue"), ("3", "Apprentissage")]
PROFILES = [("RO", "Réorientation"), ("SHN", "Sportif de haut niveau"), ("SAL", "Étudiant salarié"),
            ("XX", "NE PLUS UTILISER - ancien profil")]


BUILT = 256  # generated students kept built


class Dataset:
    """The simulated university. Thread-safe for the simulator's request threads."""

    def __init__(self, faculties, programmes, students=(), generator=None, year=None):
        self.year = year
        self.faculties = {f.code: f for f in faculties}
        self.programmes = {p.key: p for p in programmes}
        self._students = {s.number: s for s in students}
        self._generator = generator  # builds a SimStudent from a number, or None
        # Reentrant: edit() holds it while student() takes it again for the cache of built students.
        self._lock = threading.RLock()
        # The last students built: a client asks several operations about one student in a row.
        self._built = OrderedDict()
        self.profiles = list(PROFILES)
        self.regimes = list(REGIMES)

    # --- reading

    def student(self, number):
        found = self._students.get(number)
        if found is None and self._generator is not None:
            with self._lock:
                found = self._built.get(number)
            if found is None:
                found = self._generator.build(number)
                with self._lock:
                    self._built[number] = found
                    if len(self._built) > BUILT:
                        self._built.popitem(last=False)
        return found

    def listed(self, keys, year):
        """Numbers of the students with an active IA on one of these programmes that year."""
        keys = set(keys)
        numbers = []
        if self._generator is not None:
            for number in self._generator.numbers_in(keys, year):
                if number not in self._students:
                    numbers.append(number)
        for student in list(self._students.values()):
            if any(
                r.key in keys and r.year == year and r.state == "E" and r.annual_state == "E"
                for r in student.registrations
            ):
                numbers.append(student.number)
        return sorted(numbers)

    # --- changing (tests, demo)

    def edit(self, number):
        """The student, materialised so it can be changed in place."""
        with self._lock:
            student = self._students.get(number)
            if student is None:
                student = self.student(number)
                if student is None:
                    raise KeyError(number)
                self._students[number] = student
            return student

    def add_student(self, student):
        with self._lock:
            self._students[student.number] = student

    def remove_student(self, number):
        with self._lock:
            self._students.pop(number, None)
            self._built.pop(number, None)
            if self._generator is not None:
                self._generator.forget(number)

    def cancel(self, number, step_code, year=None):
        student = self.edit(number)
        for index, registration in enumerate(student.registrations):
            if registration.step_code == step_code and (year is None or registration.year == year):
                student.registrations[index] = replace(registration, state="A")

    def materialised_count(self):
        return len(self._students)

    def materialised_numbers(self):
        """The students held in full (the demo's, tests' edits), as opposed to generated on demand."""
        with self._lock:
            return list(self._students)

    def all_numbers(self):
        numbers = set(self._students)
        if self._generator is not None:
            numbers.update(self._generator.all_numbers())
        return sorted(numbers)
