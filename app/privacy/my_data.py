"""« Mes données »: everything the application holds about one student, as plain data.

``data_of(user)`` gathers it for the JSON download and the readable PDF: the account, the identity
as synced from the student information system, registrations, referent teachers, every contract
with its history and every version of the counsellor's comment, the e-mails sent to them, the
notifications the application showed them, staff acting as them, and who read their contracts.
Nothing about anyone else: other people appear by name only where they acted on this student.
"""
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select

from app import policy
from app.contracts.models import Contract, ContractComment
from app.extensions import db
from app.notify import inapp
from app.notify.models import Notification, OutboxMessage, UserLanguage
from app.people.models import Student, TeacherAssignment, utcnow
from app.privacy.models import ContractRead
from app.security.models import ImpersonationSession

FORMAT = "conpere-my-data"


def data_of(user):
    student = db.session.scalar(select(Student).where(Student.user_id == user.id))
    contracts = _contracts_of(student)
    comments = _comments(user, contracts)
    return {
        "format": FORMAT,
        "generated_at": utcnow(),
        "account": _account(user),
        "identity": _identity(student),
        "registrations": [_registration(r) for r in (student.registrations if student else [])],
        "referent_teachers": _teachers(student),
        "contracts": [_contract(c, comments.get(c.id, [])) for c in contracts],
        "notifications": _notifications(user, student),
        "in_app_notifications": _in_app_notifications(user, contracts),
        "acted_as_you": _impersonations(user),
        "contract_reads": _reads([c.id for c in contracts]),
    }


def as_json(data):
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2, sort_keys=False)


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    raise TypeError(type(value).__name__)


def _name(user):
    return f"{user.first_name} {user.last_name}" if user is not None else None


def _account(user):
    language = db.session.get(UserLanguage, user.id)
    return {
        "login": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "active": user.active, "roles": sorted(r.name for r in user.roles),
        "created_on": user.created_on, "last_login": user.last_login, "login_count": user.login_count,
        "language": language.language if language else None,
    }


def _identity(student):
    if student is None:
        return None
    return {
        "student_number": student.student_number, "ine": student.ine, "last_name": student.last_name,
        "first_name": student.first_name, "birth_date": student.birth_date, "email": student.email,
        "directory_login": student.directory_login, "synced_at": student.synced_at,
    }


def _registration(r):
    return {
        "year": r.year, "programme": r.programme.code, "programme_label": r.programme.label,
        "faculty": r.programme.faculty.code, "primary": r.is_primary, "profile_code": r.profile_code,
        "regime_code": r.regime_code, "regime_label": r.regime_label, "enrolment_count": r.enrolment_count,
        "repeating": r.is_repeating, "oui_si_category": r.oui_si_category, "adjusted_path": r.adjusted_path,
        "cancelled": r.is_cancelled,
    }


def _teachers(student):
    if student is None:
        return []
    rows = db.session.scalars(select(TeacherAssignment).where(TeacherAssignment.student_id == student.id))
    return sorted(({"name": _name(a.user), "email": a.user.email} for a in rows), key=lambda t: t["name"])


def _contracts_of(student):
    if student is None:
        return []
    return db.session.scalars(
        select(Contract).where(Contract.student_id == student.id).order_by(Contract.year, Contract.kind)
    ).all()


def _contract(c, comments):
    return {
        "id": c.id, "year": c.year, "kind": c.kind, "status": c.status,
        "programme": c.programme.code, "programme_label": c.programme.label,
        "study_plan": c.study_plan,
        "specific_needs": [
            {"code": a.accommodation.code, "label": a.accommodation.label, "hours": a.hours} for a in c.accommodations
        ],
        "needs_details": c.needs_details, "gap_year": c.gap_year, "gap_year_details": c.gap_year_details,
        "second_programme": {
            "label": c.second_programme_label, "level": c.second_programme_level,
            "institution": c.second_programme_institution, "from_sis": c.second_programme_from_sis,
        },
        "pec_acknowledged": c.pec_acknowledged,
        "charter_accepted": c.charter_accepted, "charter_accepted_at": c.charter_accepted_at,
        "charter_text": c.charter_text,
        "remediations": [{"label": r.remediation.label, "type": r.remediation.kind, "hours": r.hours}
                         for r in c.remediations],
        "support_hours": c.support_hours,
        "advance_courses": [{"code": a.code, "label": a.label, "ects": a.ects} for a in c.advance_courses],
        "path_notes": c.path_notes,
        "comment": c.comment, "comment_by": _name(c.comment_by), "comment_at": c.comment_at,
        "submitted_at": c.submitted_at, "submitted_hash": c.submitted_hash,
        "signed_at": c.signed_at, "signed_by": _name(c.signed_by), "signed_hash": c.signed_hash,
        "returned_reason": c.returned_reason, "created_at": c.created_at, "updated_at": c.updated_at,
        "history": [
            {"at": e.at, "from": e.from_status, "to": e.to_status, "by": _name(e.actor),
             "acting_for_them": _name(e.impersonator), "reason": e.reason, "fingerprint": e.content_hash}
            for e in c.events
        ],
        "comment_history": comments,
    }


def _comments(user, contracts):
    """Every version of the counsellor's comment, oldest first, by contract id: what the student may read."""
    readable = [c.id for c in contracts if policy.can_read_comment(user, c)]
    if not readable:
        return {}
    by_contract = {}
    rows = db.session.scalars(
        select(ContractComment).where(ContractComment.contract_id.in_(readable))
        .order_by(ContractComment.at, ContractComment.id)
    )
    for v in rows:
        by_contract.setdefault(v.contract_id, []).append({"at": v.at, "by": _name(v.author), "text": v.text})
    return by_contract


def _notifications(user, student):
    """E-mails addressed to them: to their account, or to their address as synced."""
    addresses = {a for a in (user.email, student.email if student else None) if a}
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.to_user_id == user.id, OutboxMessage.to_address.in_(addresses)))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [{"created_at": m.created_at, "sent_at": m.sent_at, "status": m.status, "to": m.to_address,
             "subject": m.subject, "text": m.body_text} for m in rows]


def _in_app_notifications(user, contracts):
    """The notices shown to them in the application, about their own contracts only (an account that
    is also a DETU's gets notices about other students: those are not this student's data)."""
    ids = [c.id for c in contracts]
    if not ids:
        return []
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.contract_id.in_(ids))
        .order_by(Notification.created_at, Notification.id)
    )
    return [{"created_at": n.created_at, "read_at": n.read_at, "contract_id": n.contract_id, "event": n.event,
             "text": inapp.text_of(n)} for n in rows]


def _impersonations(user):
    rows = db.session.scalars(
        select(ImpersonationSession).where(ImpersonationSession.user_id == user.id)
        .order_by(ImpersonationSession.started_at)
    )
    return [{"started_at": s.started_at, "ended_at": s.ended_at, "by": _name(s.impersonator)} for s in rows]


def _reads(contract_ids):
    if not contract_ids:
        return []
    rows = db.session.scalars(
        select(ContractRead).where(ContractRead.contract_id.in_(contract_ids)).order_by(ContractRead.at, ContractRead.id)
    )
    return [{"at": r.at, "contract_id": r.contract_id, "year": r.contract.year, "reader": _name(r.reader),
             "acting_as": _name(r.user) if r.impersonator_id else None, "channel": r.channel} for r in rows]


def pdf_of(data):
    from flask import render_template

    from app.campaign import current_settings
    from app.documents.pdf_engine import html_to_pdf
    from app.privacy.reads import CHANNEL_LABELS

    html = render_template("privacy/my_data_pdf.html", d=data, settings=current_settings(), channels=CHANNEL_LABELS)
    return html_to_pdf(html)
