"""A student information system in memory, behind the same seam as Apogée: fast unit tests of the
sync (no HTTP, no XML), with failures and hangs on demand."""
import threading
from collections import Counter, defaultdict
from datetime import date

from app.sis.interface import (
    FacultyRecord,
    ProgrammeRecord,
    RegistrationRecord,
    StudentContact,
    StudentIdentity,
    StudentInformationSystem,
    StudentListing,
    StudentSnapshot,
)


def programme(step, faculty="SCI", diploma_type="L", version="101"):
    return ProgrammeRecord(step, version, f"Programme {step}", faculty, f"Faculty {faculty}", f"D{step[2:]}",
                           version, diploma_type)


def student(number, *programmes, year, **registration):
    """A snapshot: the first programme is the primary registration, the others secondary."""
    registrations = tuple(
        RegistrationRecord(year=year, programme=p, is_primary=i == 0, is_cancelled=False, **registration)
        for i, p in enumerate(programmes)
    )
    identity = StudentIdentity(number, f"INE{number}", f"NOM{number}", "Prénom", date(2006, 1, 2))
    return StudentSnapshot(number, identity, StudentContact(f"{number}@etu.example", f"e{number}"), registrations)


class FakeSis(StudentInformationSystem):
    name = "the fake system"
    concurrency = 4

    def __init__(self, faculties=(), offer=(), students=()):
        self.faculty_records = list(faculties)
        self.offer = list(offer)
        self.snapshots = {s.student_number: s for s in students}
        self.calls = Counter()
        self._failures = defaultdict(list)  # what -> [exception, …] raised once each, in order
        self.hangs = {}  # student number -> threading.Event the call waits for
        self.started = defaultdict(threading.Event)  # student number -> set when their call starts

    def fail(self, what, *errors):
        """The next calls of ``what`` raise these errors: a method name, a student number, or a step
        code (the list of that programme)."""
        self._failures[what].extend(errors)

    def _maybe_fail(self, what):
        self.calls[what] += 1
        if self._failures.get(what):
            raise self._failures[what].pop(0)

    def faculties(self):
        self._maybe_fail("faculties")
        return list(self.faculty_records)

    def programmes(self, year, diploma_types):
        self._maybe_fail("programmes")
        return [p for p in self.offer if p.diploma_type in diploma_types]

    def students_of(self, programme, year):
        self._maybe_fail("students_of")
        self._maybe_fail(programme.step_code)
        return [StudentListing(n) for n, s in sorted(self.snapshots.items())
                if any(r.programme.key == programme.key and r.year == year and not r.is_cancelled
                       for r in s.registrations)]

    def student(self, student_number, year):
        self.started[student_number].set()
        if student_number in self.hangs:
            self.hangs[student_number].wait(30)
        self._maybe_fail(student_number)
        return self.snapshots.get(student_number) or StudentSnapshot(student_number, None, None, ())

    def course_registrations(self, student_number, year, step_code, step_version):
        self._maybe_fail("course_registrations")
        return []
