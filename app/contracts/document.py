"""The contract as a document: what its pages and its PDF show, and what its fingerprint covers.

``live(contract)`` reads the document from the contract and the catalogue as they are now. At each
validation and at the signature the document is stored with the event (``ContractEvent.document``);
a signed contract is then shown from its signing event: renaming a need, a remediation, a
programme, a faculty, the institution, the student or the signer afterwards changes nothing that was
signed. The charter is stored once per version and referred to by its SHA-256.

The fingerprint is the SHA-256 of the document's canonical JSON. ``view`` wraps a document for the
templates with the attribute names of a contract (``c.student.last_name``,
``item.accommodation.display_label(locale)``…), so one template shows a live or a frozen contract.
"""
import hashlib
import json
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from app.contracts.models import SIGNED, SUBMITTED, CharterVersion, ContractEvent
from app.extensions import db

SCHEMA = 1


def _number(value):
    return None if value is None else format(Decimal(value).normalize(), "f")


def _moment(value):
    return value.replace(microsecond=0).isoformat() if value is not None else None


def _person(user):
    return user.get_full_name() if user is not None else ""


def live(contract, validated=None, signed=None):
    """The document as the contract and the catalogue say now (a plain, JSON-ready dict).

    ``validated``/``signed``: (user, moment) of the validation and the signature being recorded;
    otherwise the latest validation in the contract's history."""
    if validated is None and contract.submitted_hash:
        validated = last_validation(contract)
    return {
        **_identity(contract),
        **_student_part(contract),
        **_university_part(contract),
        "validated": {"by": _person(validated[0]), "at": _moment(validated[1])} if validated else None,
        "signed": {"by": _person(signed[0]), "at": _moment(signed[1])} if signed else None,
    }


def _identity(contract):
    from app.campaign import current_settings

    student, programme = contract.student, contract.programme
    return {
        "schema": SCHEMA,
        "institution": current_settings().institution_name,
        "student": {"number": student.student_number, "last_name": student.last_name, "first_name": student.first_name},
        "programme": {"code": programme.code, "label": programme.label, "faculty": programme.faculty.label},
        "year": contract.year,
        "kind": contract.kind,
    }


def _need(item):
    need = {"code": item.accommodation.code, "label": item.accommodation.label,
            "label_en": item.accommodation.label_en or "", "hours": _number(item.hours)}
    if item.sis_source:  # « issu de Pégase »: only then, so that other documents keep their fingerprint
        need["sis_source"] = item.sis_source
    return need


def _student_part(contract):
    charter = contract.charter_version
    return {
        "study_plan": contract.study_plan or "",
        "needs": [
            _need(a) for a in contract.accommodations
        ],
        "needs_details": contract.needs_details or "",
        "gap_year": contract.gap_year,
        "gap_year_details": contract.gap_year_details or "",
        "second_programme": {
            "label": contract.second_programme_label or "", "level": contract.second_programme_level or "",
            "institution": contract.second_programme_institution or "",
            "from_sis": bool(contract.second_programme_from_sis),
        },
        "pec_acknowledged": bool(contract.pec_acknowledged),
        "charter": {
            "accepted": bool(contract.charter_accepted),
            "accepted_at": _moment(contract.charter_accepted_at),
            "sha256": charter.sha256 if charter is not None else None,
        },
    }


def _university_part(contract):
    return {
        "remediations": [
            {"label": r.remediation.label, "kind": r.remediation.kind, "hours": _number(r.hours)}
            for r in contract.remediations
        ],
        "support_hours": _number(contract.support_hours),
        "advance_courses": [
            {"code": c.code or "", "label": c.label, "ects": _number(c.ects)} for c in contract.advance_courses
        ],
        "path_notes": contract.path_notes or "",
    }


def canonical(document):
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(document):
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


def last_validation(contract):
    """(user, moment) of the student's latest validation, from the contract's history."""
    for event in reversed(contract.events):
        if event.to_status == SUBMITTED:
            return event.actor, event.at
    return None, contract.submitted_at


def frozen(contract):
    """The document stored when the contract was signed, or None (not signed, or signed before
    documents were stored)."""
    if contract.status != SIGNED:
        return None
    stored = db.session.scalar(
        select(ContractEvent.document)
        .where(ContractEvent.contract_id == contract.id, ContractEvent.to_status == SIGNED,
               ContractEvent.document.is_not(None))
        .order_by(ContractEvent.id.desc()).limit(1)
    )
    return json.loads(stored) if stored else None


def of(contract):
    """The document a page or the PDF shows: frozen at the signature, live before."""
    return frozen(contract) or live(contract)


def fingerprint_of(contract):
    """The fingerprint of what the contract's document shows now (the PDF prints it)."""
    return fingerprint(of(contract))


# --- for the templates ------------------------------------------------------------------------


class _Catalogued(SimpleNamespace):
    def display_label(self, locale="fr"):
        return (self.label_en if str(locale).startswith("en") and self.label_en else self.label) or self.code


class _Person(SimpleNamespace):
    def get_full_name(self):
        return self.name


def _decimal(text):
    return Decimal(text) if text is not None else None


def _datetime(text):
    return datetime.fromisoformat(text) if text else None


def view(document, contract):
    """The document with a contract's attribute names, for the templates; the row's own state
    (id, status, fingerprints, comment) comes from ``contract``."""
    d = document
    charter = d["charter"]
    signed, validated = d.get("signed"), d.get("validated")
    return SimpleNamespace(
        id=contract.id, status=contract.status, version=contract.version, comment=contract.comment,
        comment_by=contract.comment_by, comment_at=contract.comment_at,
        submitted_hash=contract.submitted_hash, signed_hash=contract.signed_hash, returned_reason=contract.returned_reason,
        institution=d["institution"],
        student=SimpleNamespace(student_number=d["student"]["number"], last_name=d["student"]["last_name"],
                                first_name=d["student"]["first_name"],
                                full_name=f'{d["student"]["first_name"]} {d["student"]["last_name"]}'),
        programme=SimpleNamespace(code=d["programme"]["code"], label=d["programme"]["label"],
                                  faculty=SimpleNamespace(label=d["programme"]["faculty"])),
        year=d["year"], kind=d["kind"], study_plan=d["study_plan"],
        accommodations=[
            SimpleNamespace(accommodation=_Catalogued(code=n["code"], label=n["label"], label_en=n["label_en"]),
                            hours=_decimal(n["hours"]), sis_source=n.get("sis_source"))
            for n in d["needs"]
        ],
        needs_details=d["needs_details"],
        remediations=[
            SimpleNamespace(remediation=SimpleNamespace(label=r["label"], kind=r["kind"]), hours=_decimal(r["hours"]))
            for r in d["remediations"]
        ],
        support_hours=_decimal(d["support_hours"]),
        advance_courses=[SimpleNamespace(code=c["code"], label=c["label"], ects=_decimal(c["ects"]))
                         for c in d["advance_courses"]],
        path_notes=d["path_notes"], gap_year=d["gap_year"], gap_year_details=d["gap_year_details"],
        second_programme_label=d["second_programme"]["label"], second_programme_level=d["second_programme"]["level"],
        second_programme_institution=d["second_programme"]["institution"],
        second_programme_from_sis=d["second_programme"]["from_sis"],
        pec_acknowledged=d["pec_acknowledged"],
        charter_accepted=charter["accepted"], charter_accepted_at=_datetime(charter["accepted_at"]),
        charter_text=charter_html(charter["sha256"], contract),
        validated_by=_Person(name=validated["by"]) if validated and validated["by"] else None,
        validated_at=_datetime(validated["at"]) if validated else None,
        signed_by=_Person(name=signed["by"]) if signed else None,
        signed_at=_datetime(signed["at"]) if signed else None,
    )


def charter_html(sha256, contract):
    """The charter the document names by its hash: the contract's own version (loaded with it) when
    it is that one, as it is once accepted; else read by the hash."""
    if not sha256:
        return None
    own = contract.charter_version
    if own is not None and own.sha256 == sha256:
        return own.html
    return db.session.scalar(select(CharterVersion.html).where(CharterVersion.sha256 == sha256))
