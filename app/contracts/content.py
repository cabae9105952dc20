"""The content of a contract as one canonical document, and its SHA-256.

The hash covers what the parties commit to: identity, programme, the student's and the DETU's
fields and the charter accepted. It leaves out the status, dates and the counsellor's comment, so
the same content always gives the same hash.
"""
import hashlib
import json
from decimal import Decimal


def _number(value):
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def content_of(contract):
    return {
        "student_number": contract.student.student_number,
        "student_name": f"{contract.student.last_name} {contract.student.first_name}",
        "year": contract.year,
        "kind": contract.kind,
        "programme": contract.programme.code,
        "study_plan": contract.study_plan or "",
        "accommodations": sorted(
            [[a.accommodation.code, _number(a.hours)] for a in contract.accommodations]
        ),
        "needs_details": contract.needs_details or "",
        "gap_year": contract.gap_year,
        "gap_year_details": contract.gap_year_details or "",
        "second_programme": [
            contract.second_programme_label or "",
            contract.second_programme_level or "",
            contract.second_programme_institution or "",
        ],
        "pec_acknowledged": bool(contract.pec_acknowledged),
        "charter_accepted": bool(contract.charter_accepted),
        "charter_text": contract.charter_text or "",
        "remediations": sorted(
            [[r.remediation.label, r.remediation.kind, _number(r.hours)] for r in contract.remediations]
        ),
        "support_hours": _number(contract.support_hours),
        "advance_courses": sorted(
            [[c.code or "", c.label, _number(c.ects)] for c in contract.advance_courses]
        ),
        "path_notes": contract.path_notes or "",
    }


def content_hash(contract):
    canonical = json.dumps(content_of(contract), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
