"""Faculties, programmes, students, registrations, and who is assigned to what.

Faculties, programmes, students and registrations come from the student information system (Apogée);
the three assignments are application data kept by functional referents.
"""
from datetime import datetime, timezone

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import relationship

from app.people.names import search_key


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Faculty(Model):
    """Composante (UFR, institut): Apogée codCmp."""

    __tablename__ = "faculty"
    id = Column(Integer, primary_key=True)
    code = Column(String(16), unique=True, nullable=False)
    label = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    def __repr__(self):
        return f"{self.code} – {self.label}"


class Programme(Model):
    """Formation = version d'étape (VET): Apogée codEtp + codVrsVet."""

    __tablename__ = "programme"
    __table_args__ = (UniqueConstraint("step_code", "step_version", name="uq_programme_vet"),)
    id = Column(Integer, primary_key=True)
    step_code = Column(String(16), nullable=False)
    step_version = Column(String(8), nullable=False)
    label = Column(String(250), nullable=False)
    diploma_code = Column(String(16))
    diploma_version = Column(String(8))
    diploma_type = Column(String(16), index=True)
    level = Column(Integer)  # 1, 2, 3 for L1, L2, L3: Apogée has no field for it
    faculty_id = Column(Integer, ForeignKey("faculty.id"), nullable=False, index=True)
    faculty = relationship("Faculty", lazy="joined")
    active = Column(Boolean, nullable=False, default=True)

    @property
    def code(self):
        """The VET as Apogée writes it in files and URLs: ``L1MATH-101``."""
        return self.code_of(self.step_code, self.step_version)

    @staticmethod
    def code_of(step_code, step_version):
        return f"{step_code}-{step_version}"

    @property
    def level_label(self):
        return f"L{self.level}" if self.level else ""

    def __repr__(self):
        return f"{self.code} – {self.label}"


def _search_name_default(context):
    """For inserts that bypass the ORM (bulk loads): the key from the row's own values."""
    row = context.get_current_parameters()
    return search_key(row.get("last_name"), row.get("first_name"), row.get("student_number"))


# Student numbers of the placeholders that anonymised contracts and their registrations belong to
# (app.privacy.retention): Apogée numbers are digits, so they never meet a real student.
ANONYMOUS_PREFIX = "ANON-"


class Student(Model):
    """Étudiant: Apogée codEtu (student number) and codNNE (INE)."""

    __tablename__ = "student"
    __table_args__ = (
        # Sorting by name; the search key is matched anywhere: a trigram index on PostgreSQL,
        # a plain one elsewhere (it serves prefixes).
        Index("ix_student_name", "last_name", "first_name"),
        Index(
            "ix_student_search_name", "search_name",
            postgresql_using="gin", postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
    )
    id = Column(Integer, primary_key=True)
    student_number = Column(String(16), unique=True, nullable=False)
    ine = Column(String(16))
    last_name = Column(String(100), nullable=False)
    first_name = Column(String(100), nullable=False)
    birth_date = Column(Date)
    email = Column(String(200))
    directory_login = Column(String(100), index=True)
    # Names and student number without accents or case (app.people.names), kept by the ORM events below.
    search_name = Column(String(250), nullable=False, default=_search_name_default)
    # The application account of the student, linked by student number at login.
    user_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    user = relationship("User", lazy="select")
    registrations = relationship(
        "Registration", back_populates="student", lazy="select", order_by="Registration.year"
    )
    synced_at = Column(DateTime)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def registrations_for(self, year, include_cancelled=False):
        return [
            r
            for r in self.registrations
            if r.year == year and (include_cancelled or not r.is_cancelled)
        ]

    def primary_registration(self, year):
        return next((r for r in self.registrations_for(year) if r.is_primary), None)

    def __repr__(self):
        return f"{self.last_name} {self.first_name} ({self.student_number})"


@event.listens_for(Student, "before_insert")
@event.listens_for(Student, "before_update")
def _keep_search_name(mapper, connection, student):
    student.search_name = search_key(student.last_name, student.first_name, student.student_number)


class Registration(Model):
    """Inscription administrative (IA) to a programme for a year, première or seconde."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("student_id", "programme_id", "year", name="uq_registration"),
        # The contract list's « régime » and « repeating » filters (and the régimes it offers).
        Index("ix_registration_regime", "regime_code", "regime_label"),
        Index("ix_registration_is_repeating", "is_repeating"),
        # The referents' list shows the latest year first (year, then id): read in the index's order.
        Index("ix_registration_year_id", "year", "id"),
        # A year of some programmes (the dashboard, the reports, « not started »): one index range each.
        Index("ix_registration_programme_year", "programme_id", "year"),
    )
    id = Column(Integer, primary_key=True)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    student = relationship("Student", back_populates="registrations", lazy="joined")
    programme_id = Column(Integer, ForeignKey("programme.id"), nullable=False)
    programme = relationship("Programme", lazy="joined")
    year = Column(Integer, nullable=False)
    is_primary = Column(Boolean, nullable=False, default=True)
    profile_code = Column(String(16))
    regime_code = Column(String(8))
    regime_label = Column(String(100))
    enrolment_count = Column(Integer, nullable=False, default=1)
    is_repeating = Column(Boolean, nullable=False, default=False)
    oui_si_category = Column(String(100))
    adjusted_path = Column(String(100))  # cursus aménagé
    # Pégase only: the « régimes spéciaux d'études » codes of the registration (RSE…, comma-separated),
    # its parallel course (cursusParallele, CUP…) and its césure (SEMESTRE or ANNEE).
    arrangement_codes = Column(String(200))
    parallel_course = Column(String(16))
    gap_year = Column(String(8))
    is_cancelled = Column(Boolean, nullable=False, default=False)
    updated_at = Column(DateTime, default=utcnow, onupdate=utcnow)

    @property
    def arrangements(self):
        return [code for code in (self.arrangement_codes or "").split(",") if code]

    def __repr__(self):
        kind = "1re" if self.is_primary else "2de"
        return f"{self.year} {self.programme.code if self.programme else '?'} ({kind})"


class DetuAssignment(Model):
    """A director of studies (DETU) in charge of a programme; many to many."""

    __tablename__ = "detu_assignment"
    __table_args__ = (UniqueConstraint("user_id", "programme_id", name="uq_detu_assignment"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("User", lazy="joined")
    programme_id = Column(Integer, ForeignKey("programme.id"), nullable=False, index=True)
    programme = relationship("Programme", lazy="joined")


class TeacherAssignment(Model):
    """A referent teacher (enseignant référent) following a student."""

    __tablename__ = "teacher_assignment"
    __table_args__ = (UniqueConstraint("user_id", "student_id", name="uq_teacher_assignment"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("User", lazy="joined")
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    student = relationship("Student", lazy="joined")


class RegistrarAssignment(Model):
    """A student-office user (scolarité, DEVE) of a faculty."""

    __tablename__ = "registrar_assignment"
    __table_args__ = (UniqueConstraint("user_id", "faculty_id", name="uq_registrar_assignment"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("User", lazy="joined")
    faculty_id = Column(Integer, ForeignKey("faculty.id"), nullable=False, index=True)
    faculty = relationship("Faculty", lazy="joined")
