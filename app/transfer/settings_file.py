"""The configuration as one JSON file: exported from one installation, imported into another.

Holds the settings (charter included), the campaigns, the catalogue (specific needs with their labels
and activity, remediations, hour volumes), the help texts and the assignments, by login and by
programme, faculty or student number; never a contract. The file is checked whole before anything
is written; ``import_file`` reports every change it makes (or would make, with ``dry_run``).

What an import does with what the file does not list: campaigns, specific needs, help texts and
assignments are kept; remediations are deactivated; hour volumes are deleted (they are values
offered in forms, contracts store the number).
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app

from app import academic_year
from app.catalog.models import (
    DETU_NOTIFICATIONS,
    DIPLOMA_TYPE_PATTERN,
    Accommodation,
    Campaign,
    HelpText,
    HourVolume,
    Remediation,
)
from app.campaign import current_settings
from app.catalog.logo import MAX_LOGO_BYTES, image_type
from app.extensions import db
from app.transfer import assignments
from app.transfer.fields import (
    Invalid,
    base64_image,
    boolean,
    choice,
    day,
    integer,
    matching,
    number,
    plain,
    same,
    text,
)
from app.transfer.sections import DEACTIVATE, DELETE, Section, read_entry
from app.ui.sanitize import clean_html

FORMAT, VERSION = "conpere-settings", 1
MAX_HOURS = Decimal(10000)


def _html(value):
    return clean_html(text(1_000_000)(value))


_diploma_types = matching(rf"{DIPLOMA_TYPE_PATTERN}(,{DIPLOMA_TYPE_PATTERN})*",
                          'diploma type codes separated by commas, e.g. "L,LP"', 200)


def _url(value):
    value = text(500, nullable=True)(value)
    if value is not None and not value.startswith(("https://", "http://")):
        raise Invalid("must be an http(s) address")
    return value


SETTINGS_FIELDS = {
    "institution_name": text(200, required=True),
    "current_year": integer(academic_year.FIRST, academic_year.LAST),
    "diploma_types": _diploma_types,
    "reorientation_allowed": boolean,
    "reorientation_profile_code": text(16, nullable=True),
    "charter_html": _html,
    "pec_url": _url,
    "contact_email": text(200, nullable=True),
    "detu_notification": choice(*DETU_NOTIFICATIONS),
    "reminder_days": integer(1, 90, nullable=True),
    "logo": base64_image(MAX_LOGO_BYTES, image_type),
    "retention_years": integer(1, 50),
    "read_log_retention_months": integer(1, 120),
    "identity_retention_years": integer(1, 50),
    "personal_log_retention_months": integer(1, 120),
}
# Settings added after files of this format were first written: a file without them keeps the
# installation's values.
ADDED_SETTINGS = ("identity_retention_years", "personal_log_retention_months")


def _campaign_dates(entry):
    return "closes_on is before opens_on" if entry["closes_on"] < entry["opens_on"] else None


def _sections():
    languages = tuple(current_app.config["LANGUAGES"])
    return [
        Section("campaigns", Campaign, ("year",),
                {"year": integer(academic_year.FIRST, academic_year.LAST), "opens_on": day, "closes_on": day},
                lambda year: f"campaign {year}-{year + 1}", clean=_campaign_dates),
        Section("specific_needs", Accommodation, ("code",),
                {"code": text(16, required=True), "label": text(250, required=True),
                 "label_en": text(250, nullable=True), "active": boolean, "position": integer(0, 10000),
                 "hours_required": boolean, "max_hours": number(MAX_HOURS, nullable=True), "health_related": boolean},
                lambda code: f"specific need {code}", may_add=False, order=("position", "code")),
        Section("remediations", Remediation, ("label", "kind"),
                {"label": text(250, required=True), "kind": choice(1, 2), "hours": number(MAX_HOURS, nullable=True),
                 "active": boolean},
                lambda label, kind: f"remediation « {label} » (type {kind})", absent=DEACTIVATE),
        Section("hour_volumes", HourVolume, ("hours",),
                {"hours": number(MAX_HOURS), "label": text(100, nullable=True)},
                lambda hours: f"hour volume {plain(hours)} h", absent=DELETE, order=("hours",)),
        Section("help_texts", HelpText, ("field", "language"),
                {"field": text(64, required=True), "language": choice(*languages), "html": _html},
                lambda name, language: f"help text {name} ({language})"),
    ]


def export_data():
    settings = current_settings()
    data = {"format": FORMAT, "version": VERSION,
            "settings": {name: plain(getattr(settings, name)) for name in SETTINGS_FIELDS}}
    for section in _sections():
        data[section.name] = section.export()
    data["assignments"] = assignments.export()
    return data


def dumps(data):
    """The file's text: stable (sorted keys and rows) so that two exports of the same state are equal."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass
class Outcome:
    problems: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def import_file(raw_text, dry_run=False):
    """Check the whole file, then (unless ``dry_run`` or a problem) write it in one transaction."""
    outcome = Outcome()
    data = _load(raw_text, outcome.problems)
    if data is None:
        return outcome
    steps = _check(data, outcome.problems)
    if outcome.problems:
        return outcome
    for describe, _ in steps:
        outcome.changes.extend(describe())
    if not dry_run:
        for _, write in steps:
            write()
        db.session.commit()
    return outcome


def _load(raw_text, problems):
    try:
        data = json.loads(raw_text)
    except ValueError as exc:
        problems.append(f"not a JSON file: {exc}")
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        problems.append(f"not a ConPeRe settings file (\"format\" must be \"{FORMAT}\")")
        return None
    if data.get("version") != VERSION:
        problems.append(f"version {data.get('version')!r} of the settings file is not supported (expected {VERSION})")
        return None
    known = {"format", "version", "settings", "assignments"} | {s.name for s in _sections()}
    unknown = sorted(set(data) - known)
    if unknown:
        problems.append(f"unknown section(s): {', '.join(unknown)}")
    return data


def _check(data, problems):
    """[(describe, write)] for each part present in the file; problems recorded along the way."""
    steps = []
    if "settings" in data:
        steps.append(_settings_step(data["settings"], problems))
    for section in _sections():
        if section.name in data:
            entries = section.read(data[section.name], problems)
            for key in section.unknown_keys(entries):
                problems.append(f"{section.name}: {section.describe(*key)} does not exist here "
                                "(the catalogue of specific needs is never added to)")
            found = section.changes(entries)
            steps.append((lambda s=section, f=found: s.report(f), lambda s=section, f=found: s.apply(f)))
    if "assignments" in data:
        steps.append(assignments.step(data["assignments"], problems))
    return steps


def _settings_step(raw, problems):
    settings = current_settings()
    if isinstance(raw, dict):
        raw = {**{name: getattr(settings, name) for name in ADDED_SETTINGS}, **raw}
    entry = read_entry(raw, SETTINGS_FIELDS, "settings", problems) or {}
    if entry.get("reorientation_allowed") and not (entry.get("reorientation_profile_code") or "").strip():
        problems.append("settings.reorientation_profile_code: required when reorientation_allowed is true")
    differ = {name: (getattr(settings, name), value) for name, value in entry.items()
              if not same(SETTINGS_FIELDS[name], getattr(settings, name), value)}

    def describe():
        return [f"settings: {name} changed" if name in ("charter_html", "logo") else
                f"settings: {name} {plain(old)!r} → {plain(new)!r}" for name, (old, new) in differ.items()]

    def write():
        for name, (_, new) in differ.items():
            setattr(settings, name, new)

    return describe, write
