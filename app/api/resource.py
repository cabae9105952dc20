"""The contract as the API gives it: a summary in lists, the complete resource by id.

Which parts a reader gets is asked of ``app.policy`` (the same rules as the pages); a part kept
from the reader is left out and named in ``withheld``. Times are RFC 3339 in UTC (the database
keeps naive UTC), numbers are JSON numbers.
"""
from datetime import timezone

from flask import url_for
from sqlalchemy import select

from app import policy
from app.contracts.models import Contract
from app.people.models import Faculty, Programme, Student

# The columns a list row needs, selected as such: no ORM object, no relationship loaded.
SUMMARY_COLUMNS = (
    Contract.id, Contract.year, Contract.kind, Contract.status, Contract.version,
    Contract.created_at, Contract.updated_at, Contract.submitted_at, Contract.signed_at,
    Student.student_number, Student.last_name, Student.first_name,
    Programme.step_code, Programme.step_version, Programme.label, Programme.level,
    Faculty.code, Faculty.label,
)


def summary_select(visible):
    return (
        select(*SUMMARY_COLUMNS)
        .join(Student, Student.id == Contract.student_id)
        .join(Programme, Programme.id == Contract.programme_id)
        .join(Faculty, Faculty.id == Programme.faculty_id)
        .where(visible)
    )


def instant(value):
    """A naive UTC datetime from the database → RFC 3339 with its zone."""
    return None if value is None else value.replace(tzinfo=timezone.utc).isoformat()


def number(value):
    return None if value is None else float(value)


def _programme(step_code, step_version, label, level, faculty_code, faculty_label):
    return {
        "code": Programme.code_of(step_code, step_version), "step_code": step_code, "step_version": step_version,
        "label": label, "level": level, "faculty": {"code": faculty_code, "label": faculty_label},
    }


def contract_summary(row):
    (pk, year, kind, status, version, created, updated, submitted, signed,
     number_, last_name, first_name, step_code, step_version, label, level, faculty_code, faculty_label) = row
    return {
        "id": pk, "year": year, "kind": kind, "status": status, "version": version,
        "student": {"student_number": number_, "last_name": last_name, "first_name": first_name},
        "programme": _programme(step_code, step_version, label, level, faculty_code, faculty_label),
        "created_at": instant(created), "updated_at": instant(updated),
        "submitted_at": instant(submitted), "signed_at": instant(signed),
        "url": url_for("ContractApi.get", pk=pk, _external=False),
    }


def contract_detail(contract, user):
    """The complete contract for this reader."""
    student, programme = contract.student, contract.programme
    withheld = []
    document = {
        "id": contract.id, "year": contract.year, "kind": contract.kind, "status": contract.status,
        "version": contract.version,
        "student": {"student_number": student.student_number, "last_name": student.last_name,
                    "first_name": student.first_name},
        "programme": _programme(programme.step_code, programme.step_version, programme.label, programme.level,
                                programme.faculty.code, programme.faculty.label),
    }
    document.update(_registration(contract, user, withheld))
    document["study_plan"] = contract.study_plan or ""
    document.update(_needs(contract, user, withheld))
    document.update(_support(contract))
    document.update(_student_part(contract))
    document.update(_workflow(contract))
    document.update(_comment(contract, user, withheld))
    document["events"] = [_event(event) for event in contract.events]
    document["withheld"] = withheld
    document["pdf_url"] = url_for("ContractApi.pdf", pk=contract.id)
    return document


def _registration(contract, user, withheld):
    if not policy.can_see_sis_record(user, contract):
        withheld.append("registration")
        return {}
    registration = contract.registration
    if registration is None:
        return {"registration": None}
    return {"registration": {
        "is_primary": registration.is_primary, "profile_code": registration.profile_code,
        "regime_code": registration.regime_code, "regime_label": registration.regime_label,
        "is_repeating": registration.is_repeating, "enrolment_count": registration.enrolment_count,
    }}


def _needs(contract, user, withheld):
    health = policy.can_read_health_needs(user, contract)
    needs = [
        {"code": item.accommodation.code, "label": item.accommodation.label,
         "health_related": item.accommodation.health_related, "hours": number(item.hours)}
        for item in contract.accommodations
        if health or not item.accommodation.health_related
    ]
    if not health:
        withheld.extend(["health_related_needs", "needs_details"])
        return {"needs": needs}
    return {"needs": needs, "needs_details": contract.needs_details or ""}


def _support(contract):
    return {
        "remediations": [
            {"id": item.remediation_id, "label": item.remediation.label, "kind": item.remediation.kind,
             "hours": number(item.hours)}
            for item in contract.remediations
        ],
        "support_hours": number(contract.support_hours),
        "advance_courses": [
            {"code": course.code or "", "label": course.label, "ects": number(course.ects)}
            for course in contract.advance_courses
        ],
        "path_notes": contract.path_notes or "",
    }


def _student_part(contract):
    return {
        "gap_year": contract.gap_year,
        "gap_year_details": contract.gap_year_details or "",
        "second_programme": {
            "label": contract.second_programme_label or "", "level": contract.second_programme_level or "",
            "institution": contract.second_programme_institution or "",
            "from_sis": bool(contract.second_programme_from_sis),
        },
        "pec_acknowledged": bool(contract.pec_acknowledged),
        "charter_accepted": bool(contract.charter_accepted),
        "charter_accepted_at": instant(contract.charter_accepted_at),
    }


def _workflow(contract):
    signer = contract.signed_by
    return {
        "created_at": instant(contract.created_at), "updated_at": instant(contract.updated_at),
        "submitted_at": instant(contract.submitted_at), "submitted_hash": contract.submitted_hash,
        "signed_at": instant(contract.signed_at), "signed_hash": contract.signed_hash,
        "signed_by": signer.get_full_name() if signer else None,
        "returned_reason": contract.returned_reason,
    }


def _comment(contract, user, withheld):
    if not policy.can_read_comment(user, contract):
        withheld.append("comment")
        return {}
    return {"comment": contract.comment or "", "comment_at": instant(contract.comment_at)}


def _event(event):
    return {
        "at": instant(event.at), "from_status": event.from_status, "to_status": event.to_status,
        "actor": event.actor.get_full_name() if event.actor else None,
        "impersonator": event.impersonator.get_full_name() if event.impersonator else None,
        "reason": event.reason, "content_hash": event.content_hash,
    }
