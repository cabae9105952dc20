"""What functional referents configure: settings, campaigns and the catalogue offered on contracts."""
from datetime import date

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    false,
    Column,
    Date,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import deferred

GAP_YEAR_CHOICES = ("none", "semester", "year")  # Pégase: SANS | SEMESTRE | ANNEE
DIPLOMA_TYPE_PATTERN = r"[A-Za-z0-9_]{1,10}"  # one Apogée diploma type code of Settings.diploma_types
DETU_NOTIFICATIONS = ("immediate", "digest")


class Settings(Model):
    """The institution's settings; a single row (id 1)."""

    __tablename__ = "settings"
    id = Column(Integer, primary_key=True)
    institution_name = Column(String(200), nullable=False, default="Université")
    current_year = Column(Integer, nullable=False)
    diploma_types = Column(String(200), nullable=False, default="")
    reorientation_allowed = Column(Boolean, nullable=False, default=False)
    reorientation_profile_code = Column(String(16))
    # A second contract for the second programme of a double enrolment known to Apogée (V3).
    double_enrolment_contracts = Column(Boolean, nullable=False, default=False, server_default=false())
    charter_html = Column(Text, nullable=False, default="")
    charter_html_en = Column(Text)  # the charter in English; empty: English readers see the French one
    pec_url = Column(String(500))
    contact_email = Column(String(200))
    # Notifications and documents: "immediate" or "digest" (one daily e-mail per DETU).
    detu_notification = Column(String(16), nullable=False, default="immediate", server_default="immediate")
    reminder_days = Column(Integer, default=7, server_default="7")  # before the campaign closes; empty = none
    logo = deferred(Column(LargeBinary))  # PNG or JPEG printed on the contract PDF; read only there
    # Data protection (app.privacy): contracts are kept in full this many years after their academic
    # year, then anonymised; the log of staff reads is kept this many months; a student no longer
    # registered, this many years after their last registration's year; the other personal logs
    # (impersonation, in-app notifications, sync errors), this many months.
    retention_years = Column(Integer, nullable=False, default=5, server_default="5")
    read_log_retention_months = Column(Integer, nullable=False, default=12, server_default="12")
    identity_retention_years = Column(Integer, nullable=False, default=1, server_default="1")
    personal_log_retention_months = Column(Integer, nullable=False, default=12, server_default="12")

    def charter_for(self, locale="fr"):
        """The charter in the reader's language, the French one when it has no translation."""
        return self.charter_html_en if locale == "en" and self.charter_html_en else self.charter_html

    @property
    def diploma_type_list(self):
        return [t.strip() for t in (self.diploma_types or "").split(",") if t.strip()]


class Campaign(Model):
    """Campagne: when students may write and validate the contracts of a year."""

    __tablename__ = "campaign"
    id = Column(Integer, primary_key=True)
    year = Column(Integer, unique=True, nullable=False)
    opens_on = Column(Date, nullable=False)
    closes_on = Column(Date, nullable=False)

    def is_open(self, today=None):
        today = today or date.today()
        return self.opens_on <= today <= self.closes_on

    def __repr__(self):
        return f"{self.year}-{self.year + 1}"


class Accommodation(Model):
    """Besoin spécifique / aménagement (régimes spéciaux d'études). Labels editable, never added."""

    __tablename__ = "accommodation"
    id = Column(Integer, primary_key=True)
    code = Column(String(16), unique=True, nullable=False)
    label = Column(String(250), nullable=False)
    label_en = Column(String(250))
    active = Column(Boolean, nullable=False, default=True)
    position = Column(Integer, nullable=False, default=0)
    hours_required = Column(Boolean, nullable=False, default=True)
    max_hours = Column(Numeric(6, 1))
    # Health-related needs are sensitive data: never a selection key on their own (data protection).
    health_related = Column(Boolean, nullable=False, default=False)
    # The student information system's codes (Pégase's « régimes spéciaux d'études ») that tick this
    # need in a new contract, comma-separated; empty: its own code.
    sis_codes = Column(String(200))

    @property
    def matching_codes(self):
        codes = {c.strip().upper() for c in (self.sis_codes or "").split(",") if c.strip()}
        return codes or {self.code.upper()}

    def display_label(self, locale="fr"):
        return (self.label_en if locale == "en" and self.label_en else self.label) or self.code

    def __repr__(self):
        return self.label


class Remediation(Model):
    """Remédiation, dispositif « oui si » of type 1 or type 2."""

    __tablename__ = "remediation"
    id = Column(Integer, primary_key=True)
    label = Column(String(250), nullable=False)
    label_en = Column(String(250))
    kind = Column(Integer, nullable=False, default=1)  # 1 or 2
    hours = Column(Numeric(6, 1))
    active = Column(Boolean, nullable=False, default=True)

    def display_label(self, locale="fr"):
        return self.label_en if locale == "en" and self.label_en else self.label

    def __repr__(self):
        return f"{self.label} (type {self.kind})"


class HourVolume(Model):
    """Volume horaire: the hour values offered in the forms."""

    __tablename__ = "hour_volume"
    id = Column(Integer, primary_key=True)
    hours = Column(Numeric(6, 1), unique=True, nullable=False)
    label = Column(String(100))

    def __repr__(self):
        return self.label or f"{self.hours:g} h"


class HelpText(Model):
    """Bulle d'aide: long rich text (sanitised HTML) for one form field in one language."""

    __tablename__ = "help_text"
    __table_args__ = (UniqueConstraint("field", "language", name="uq_help_text"),)
    id = Column(Integer, primary_key=True)
    field = Column(String(64), nullable=False)
    language = Column(String(5), nullable=False)
    html = Column(Text, nullable=False, default="")

    @property
    def text(self):
        """(language, html): pages show the text marked with its language."""
        return self.language, self.html

    def __repr__(self):
        return f"{self.field} ({self.language})"
