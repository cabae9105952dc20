"""The contrat pédagogique pour la réussite étudiante and what hangs on it.

The status column is written by ``app.contracts.workflow`` only.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import deferred, relationship

from app.people.models import utcnow

DRAFT, SUBMITTED, SIGNED, RETURNED = "draft", "submitted", "signed", "returned"
STATUSES = (DRAFT, SUBMITTED, RETURNED, SIGNED)
INITIAL, REORIENTATION, DOUBLE = "initial", "reorientation", "double"
KINDS = (INITIAL, REORIENTATION, DOUBLE)


class CharterVersion(Model):
    """One text of the institution's charter, stored once however many students accept it.

    Rows are never changed: editing the charter in the settings makes a new version when a
    student next accepts it."""

    __tablename__ = "charter_version"
    id = Column(Integer, primary_key=True)
    sha256 = Column(String(64), nullable=False, unique=True)
    html = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Contract(Model):
    """Relationships load on demand: each page asks for what it shows (app.contracts.loading)."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("student_id", "year", "kind", name="uq_contract"),
        # The list's filters and sorts: a DETU's programmes for a year and a status, a year's
        # statuses, the last changes. ``anonymised_at`` ends the first two so that a list's count
        # (« not anonymised », app.policy) is read from the index alone, without visiting the rows.
        Index("ix_contract_programme_year_status", "programme_id", "year", "status", "anonymised_at"),
        Index("ix_contract_year_status", "year", "status", "anonymised_at"),
        Index("ix_contract_updated_at", "updated_at"),
    )

    id = Column(Integer, primary_key=True)
    # Once the contract is anonymised, a placeholder with nothing personal (app.privacy.retention).
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False, index=True)
    student = relationship("Student", lazy="select")
    programme_id = Column(Integer, ForeignKey("programme.id"), nullable=False)
    programme = relationship("Programme", lazy="select")
    registration_id = Column(Integer, ForeignKey("registration.id"), index=True)
    registration = relationship("Registration", lazy="select")
    year = Column(Integer, nullable=False)
    kind = Column(String(16), nullable=False, default=INITIAL)
    status = Column(String(16), nullable=False, default=DRAFT, index=True)
    version = Column(Integer, nullable=False)

    # Written by the student.
    study_plan = Column(Text, nullable=False, default="")
    needs_details = Column(Text, nullable=False, default="")
    gap_year = Column(String(16), nullable=False, default="none")
    gap_year_details = Column(Text, nullable=False, default="")
    second_programme_label = Column(String(250), nullable=False, default="")
    second_programme_level = Column(String(50), nullable=False, default="")
    second_programme_institution = Column(String(250), nullable=False, default="")
    second_programme_from_sis = Column(Boolean, nullable=False, default=False)
    pec_acknowledged = Column(Boolean, nullable=False, default=False)
    charter_accepted = Column(Boolean, nullable=False, default=False)
    charter_accepted_at = Column(DateTime)
    # The exact charter the student accepted.
    charter_version_id = Column(Integer, ForeignKey("charter_version.id"), index=True)
    charter_version = relationship("CharterVersion", lazy="select")

    # Written by the director of studies.
    support_hours = Column(Numeric(6, 1))
    path_notes = Column(Text, nullable=False, default="")

    # Written by the guidance counsellor; shown to the student, never printed.
    comment = Column(Text, nullable=False, default="")
    comment_by_id = Column(Integer, ForeignKey("ab_user.id"))
    comment_by = relationship("User", foreign_keys=[comment_by_id], lazy="select")
    comment_at = Column(DateTime)

    # Set by the workflow.
    submitted_at = Column(DateTime)
    submitted_hash = Column(String(64))
    signed_at = Column(DateTime)
    signed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    signed_by = relationship("User", foreign_keys=[signed_by_id], lazy="select")
    signed_hash = Column(String(64))
    returned_reason = Column(Text)

    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    anonymised_at = Column(DateTime)  # kept for statistics only after the retention period

    accommodations = relationship(
        "ContractAccommodation",
        back_populates="contract",
        lazy="select",
        cascade="all, delete-orphan",
        order_by="ContractAccommodation.id",
    )
    remediations = relationship(
        "ContractRemediation",
        back_populates="contract",
        lazy="select",
        cascade="all, delete-orphan",
        order_by="ContractRemediation.id",
    )
    advance_courses = relationship(
        "AdvanceCourse",
        back_populates="contract",
        lazy="select",
        cascade="all, delete-orphan",
        order_by="AdvanceCourse.id",
    )
    events = relationship(
        "ContractEvent",
        back_populates="contract",
        lazy="select",
        order_by="ContractEvent.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def charter_text(self):
        """The HTML of the charter the student accepted, or None."""
        return self.charter_version.html if self.charter_version is not None else None

    def __repr__(self):
        return f"Contract {self.id} {self.year} {self.kind} {self.status}"


class ContractAccommodation(Model):
    """A specific need declared on a contract, with its hour volume (set by the DETU)."""

    __tablename__ = "contract_accommodation"
    __table_args__ = (
        UniqueConstraint("contract_id", "accommodation_id", name="uq_contract_accommodation"),
        Index("ix_contract_accommodation_need", "accommodation_id", "contract_id"),
    )
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    contract = relationship("Contract", back_populates="accommodations")
    # Leading with the need: the list's « specific need » filter reads contracts from it.
    accommodation_id = Column(Integer, ForeignKey("accommodation.id"), nullable=False)
    accommodation = relationship("Accommodation", lazy="joined")
    hours = Column(Numeric(6, 1))
    sis_source = Column(String(16))  # "Pégase" when ticked from the student information system


class ContractRemediation(Model):
    """A remediation course (« oui si ») added by the DETU, with its hours."""

    __tablename__ = "contract_remediation"
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    contract = relationship("Contract", back_populates="remediations")
    remediation_id = Column(Integer, ForeignKey("remediation.id"), nullable=False)
    remediation = relationship("Remediation", lazy="joined")
    hours = Column(Numeric(6, 1), nullable=False)


class AdvanceCourse(Model):
    """Enseignement par anticipation: a course of the next year taken « en crédit »."""

    __tablename__ = "advance_course"
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    contract = relationship("Contract", back_populates="advance_courses")
    code = Column(String(16), nullable=False, default="")
    label = Column(String(250), nullable=False)
    ects = Column(Numeric(4, 1))


class ContractEvent(Model):
    """One line of a contract's history: every status change, who made it, as whom, and why."""

    __tablename__ = "contract_event"
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    contract = relationship("Contract", back_populates="events")
    actor_id = Column(Integer, ForeignKey("ab_user.id"))
    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    impersonator_id = Column(Integer, ForeignKey("ab_user.id"))
    impersonator = relationship("User", foreign_keys=[impersonator_id], lazy="joined")
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)
    reason = Column(Text)
    content_hash = Column(String(64))
    # At a validation and at the signature: the document as it stood (app.contracts.document),
    # the comparison base after a return and, once signed, what the contract shows forever.
    document = deferred(Column(Text))


class ContractComment(Model):
    """Each version of the guidance counsellor's comment, with its author and date (the history)."""

    __tablename__ = "contract_comment"
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id"), nullable=False, index=True)
    text = Column(Text, nullable=False, default="")
    author_id = Column(Integer, ForeignKey("ab_user.id"))
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    at = Column(DateTime, nullable=False, default=utcnow)
