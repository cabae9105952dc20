"""Write what the student information system says into our tables, changing only what differs.

Idempotent: applying the same records twice changes nothing the second time. Nothing is ever
deleted: what disappeared from the system is deactivated (faculties, programmes) or marked
cancelled (registrations).
"""
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.contracts.models import SIGNED, Contract
from app.people.models import Faculty, Programme, Registration, Student, utcnow
from app.sis.double_inscription import align_second_programme

UNKNOWN_FACULTY = ("NA", "Composante inconnue")
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def clip(value, length):
    return value[:length] if isinstance(value, str) else value


def assign(obj, **values):
    """Set the attributes that differ; True when one did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def infer_level(step_code, label, diploma_type):
    """L1/L2/L3: Apogée has no field for it, so read it from the usual codes and labels."""
    if diploma_type == "LP":
        return 3
    for pattern, source in ((r"^L([1-3])", step_code or ""), (r"\bL([1-3])\b", label or ""),
                            (r"\bLicence\s+([1-3])\b", label or ""), (r"\b([1-3])(?:e|re|ère|ème)\s+année", label or "")):
        found = re.search(pattern, source, flags=re.IGNORECASE)
        if found:
            return int(found.group(1))
    return None


class Catalogue:
    """Faculties and programmes of one session, by code; creates the missing ones on demand."""

    def __init__(self, session):
        self.session = session
        self.faculties = {f.code: f for f in session.scalars(select(Faculty))}
        self.programmes = {(p.step_code, p.step_version): p for p in session.scalars(select(Programme))}
        self.created = []  # (kind, key) added since the last mark(), to undo after a failed unit

    def mark(self):
        self.created = []

    def forget_created(self):
        for kind, key in self.created:
            (self.faculties if kind == "faculty" else self.programmes).pop(key, None)
        self.created = []

    def faculty(self, code, label):
        code, label = (code, label) if code else UNKNOWN_FACULTY
        found = self.faculties.get(code)
        if found is None:
            found = Faculty(code=clip(code, 16), label=clip(label or code, 200), active=True)
            self.session.add(found)
            self.faculties[code] = found
            self.created.append(("faculty", code))
        return found

    def programme(self, record):
        """The programme of a record, created from it when unknown (e.g. a second registration
        in a programme of another diploma type)."""
        found = self.programmes.get(record.key)
        if found is None:
            found = Programme(
                step_code=clip(record.step_code, 16), step_version=clip(record.step_version, 8),
                label=clip(record.label, 250), diploma_code=clip(record.diploma_code, 16),
                diploma_version=clip(record.diploma_version, 8), diploma_type=clip(record.diploma_type, 16),
                level=infer_level(record.step_code, record.label, record.diploma_type),
                faculty=self.faculty(record.faculty_code, record.faculty_label), active=True,
            )
            self.session.add(found)
            self.programmes[record.key] = found
            self.created.append(("programme", record.key))
        return found


def apply_faculties(catalogue, records):
    """Upsert the faculties in service and deactivate the others; how many changed."""
    changed = 0
    seen = set()
    for record in records:
        seen.add(record.code)
        existing = catalogue.faculties.get(record.code)
        if existing is None:
            catalogue.faculty(record.code, record.label)
            changed += 1
        elif assign(existing, active=True, **({"label": clip(record.label, 200)} if record.label else {})):
            changed += 1  # a system that names no faculty (Pégase) leaves the name we hold
    for code, faculty in catalogue.faculties.items():
        if code not in seen and faculty.active and code != UNKNOWN_FACULTY[0]:
            faculty.active = False
            changed += 1
    catalogue.mark()
    return changed


def apply_programmes(catalogue, records, diploma_types, complete):
    """Upsert the offer's programmes; when ``complete``, deactivate those of these diploma types
    that left the offer. How many changed."""
    changed = 0
    seen = set()
    for record in records:
        seen.add(record.key)
        existing = catalogue.programmes.get(record.key)
        if existing is None:
            catalogue.programme(record)
            changed += 1
            continue
        values = dict(
            label=clip(record.label, 250), diploma_code=clip(record.diploma_code, 16),
            diploma_version=clip(record.diploma_version, 8), diploma_type=clip(record.diploma_type, 16),
            faculty=catalogue.faculty(record.faculty_code, record.faculty_label), active=True,
        )
        if existing.level is None:
            values["level"] = infer_level(record.step_code, record.label, record.diploma_type)
        if assign(existing, **values):
            changed += 1
    if complete:
        for key, programme in catalogue.programmes.items():
            if key not in seen and programme.active and programme.diploma_type in diploma_types:
                programme.active = False
                changed += 1
    catalogue.mark()
    return changed


@dataclass
class StudentContext:
    """What a run keeps between students: the session, the catalogue, and the students of the
    current stretch with their unsigned contracts of the year.

    Students are loaded a chunk ahead and let go once committed: the session stays small, so each
    flush costs the same for the 40,000th student as for the first.
    """

    session: object
    catalogue: Catalogue
    year: int
    numbers: list = field(default_factory=list)
    chunk: int = 500
    students: dict = field(default_factory=dict)
    contracts: dict = field(default_factory=dict)
    _loaded: set = field(default_factory=set)

    def reach(self, index):
        """Make sure the chunk holding ``numbers[index]`` is loaded."""
        part = index // self.chunk
        if part in self._loaded:
            return
        self._loaded.add(part)
        numbers = self.numbers[part * self.chunk:(part + 1) * self.chunk]
        found = self.session.scalars(select(Student).where(Student.student_number.in_(numbers))
                                     .options(selectinload(Student.registrations))).all()
        for student in found:
            self.students[student.student_number] = student
        ids = [s.id for s in found]
        if ids:
            for contract in self.session.scalars(select(Contract).where(
                Contract.student_id.in_(ids), Contract.year == self.year, Contract.status != SIGNED
            )):
                self.contracts.setdefault(contract.student_id, []).append(contract)

    def release(self, numbers):
        """Let go of students already written (after a commit or a flush)."""
        session = self.session
        for number in numbers:
            student = self.students.pop(number, None)
            if student is None or student not in session:
                continue
            for contract in self.contracts.pop(student.id, ()):
                if contract in session:
                    session.expunge(contract)
            for registration in student.registrations:
                if registration in session:
                    session.expunge(registration)
            session.expunge(student)


@dataclass
class Outcome:
    kind: str
    cancelled: int = 0
    contracts_updated: int = 0


def apply_student(ctx, snapshot):
    """Upsert one student and their registrations of the year; align their contracts."""
    student = ctx.students.get(snapshot.student_number)
    if snapshot.identity is None:
        if student is None:
            return Outcome(UNCHANGED)
        records = ()  # unknown to the system now: none of its registrations is active
        created = changed = False
    else:
        student, created, changed = _upsert_identity(ctx, student, snapshot)
        records = snapshot.registrations
    registrations_changed, cancelled = _apply_registrations(ctx, student, records)
    changed = changed or registrations_changed
    contracts_updated = 0
    contracts = ctx.contracts.get(student.id, ()) if student.id is not None else ()
    if contracts:
        ctx.session.flush()  # new registrations need their programme_id to be compared
        contracts_updated = sum(align_second_programme(c, student, ctx.year) for c in contracts)
    if created or changed:
        student.synced_at = utcnow()  # when the system last changed something for this student
    kind = CREATED if created else (UPDATED if changed or contracts_updated else UNCHANGED)
    return Outcome(kind, cancelled, contracts_updated)


def _upsert_identity(ctx, student, snapshot):
    """(student, created, changed) after writing the snapshot's identity and contact."""
    identity = snapshot.identity
    values = dict(
        ine=clip(identity.ine, 16), last_name=clip(identity.last_name or "?", 100),
        first_name=clip(identity.first_name or "?", 100), birth_date=identity.birth_date,
    )
    if snapshot.contact is not None:
        values["email"] = clip(snapshot.contact.email, 200)
        if snapshot.contact.directory_login:  # Pégase does not know it: the login we hold stays
            values["directory_login"] = clip(snapshot.contact.directory_login, 100)
    if student is not None:
        return student, False, assign(student, **values)
    # An empty list, not a lazy load: asking a new student's registrations would flush it and query.
    student = Student(student_number=clip(snapshot.student_number, 16), registrations=[], **values)
    ctx.session.add(student)
    ctx.students[snapshot.student_number] = student
    return student, True, False


def _chosen_records(records, year):
    """One record per programme of the year: Apogée may keep a cancelled row beside the active one."""
    chosen = {}
    for record in records:
        if record.year != year:
            continue
        previous = chosen.get(record.programme.key)
        if previous is None or (previous.is_cancelled and not record.is_cancelled):
            chosen[record.programme.key] = record
    return chosen


def _registration_values(record):
    return dict(
        is_primary=record.is_primary, profile_code=clip(record.profile_code, 16),
        regime_code=clip(record.regime_code, 8), regime_label=clip(record.regime_label, 100),
        enrolment_count=record.enrolment_count, is_repeating=record.is_repeating,
        oui_si_category=clip(record.oui_si_category, 100), adjusted_path=clip(record.adjusted_path, 100),
        is_cancelled=record.is_cancelled, arrangement_codes=clip(",".join(record.arrangements), 200) or None,
        parallel_course=clip(record.parallel_course, 16), gap_year=record.gap_year,
    )


def _apply_registrations(ctx, student, records):
    """Write the year's registrations as the system holds them; returns (changed, newly cancelled)."""
    year = ctx.year
    existing = {
        (r.programme.step_code, r.programme.step_version): r for r in student.registrations if r.year == year
    }
    changed, cancelled = False, 0
    for key, record in _chosen_records(records, year).items():
        values = _registration_values(record)
        registration = existing.pop(key, None)
        if registration is None:
            ctx.session.add(Registration(student=student, programme=ctx.catalogue.programme(record.programme),
                                         year=year, **values))
            changed = True
            continue
        newly_cancelled = record.is_cancelled and not registration.is_cancelled
        if assign(registration, **values):
            changed, cancelled = True, cancelled + newly_cancelled
    for registration in existing.values():  # gone from the system: cancelled, kept as history
        if not registration.is_cancelled:
            registration.is_cancelled = True
            changed, cancelled = True, cancelled + 1
    return changed, cancelled
