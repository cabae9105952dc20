"""Identities of students no longer registered: kept ``Settings.identity_retention_years`` after the
last academic year they were registered in, then anonymised in place.

A synced student is due when nothing needs them any more: no contract of theirs is left (their
contracts are anonymised, so they belong to placeholders), no registration of a year after the
last one kept, and the student information system has not sent them since that year ended. Their
row stays, with nothing personal (number ``ANON-S<id>``, no name, INE, birth date, e-mail or
directory login), so that the registrations it holds still count in the statistics; the referent
teachers' assignments to them are removed. Their account, when it is a student's account only, is
emptied the same way (login ``anonymised-<id>``, no name, no password, no role, inactive) with
what hangs on it (language, notice read, notifications, sessions, where its roles came from); an
account that also holds a staff role is only unlinked. The e-mails addressed to them are emptied.
A student the information system sends again later is a new identity.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_appbuilder.security.sqla.models import assoc_user_group, assoc_user_role
from sqlalchemy import bindparam, delete, exists, func, or_, select, update

from app import roles as R
from app.contracts.models import Contract
from app.extensions import db
from app.notify.models import Notification, OutboxMessage, UserLanguage
from app.people.models import ANONYMOUS_PREFIX, Registration, Student, TeacherAssignment
from app.people.names import search_key
from app.privacy.models import NoticeSeen
from app.security.models import RoleSource, UserSession

IDENTITY_PREFIX = f"{ANONYMOUS_PREFIX}S"  # never an Apogée number, never a contract's placeholder
EMPTIED, UNLINKED = "emptied", "unlinked"  # what happens to their account


@dataclass
class IdentityDue:
    """A student identity past its retention period, and what anonymising it would change."""

    id: int
    student_number: str
    last_registered: int  # academic year, None when no registration is left
    login: str  # their account's, or None
    account: str  # EMPTIED, UNLINKED, or None (no account)
    assignments: int  # referent teachers' assignments removed


def synced_before(last_year):
    """Synced since 1 September after ``last_year``: the information system still sends them."""
    return datetime(last_year + 1, 9, 1)


def due(last_year, kept_contracts):
    """The identities due when registrations of ``last_year`` and before are no longer kept;
    ``kept_contracts``: the contracts not anonymised by the end of this run."""
    last_registered = select(func.max(Registration.year)).where(Registration.student_id == Student.id)
    assignments = select(func.count(TeacherAssignment.id)).where(TeacherAssignment.student_id == Student.id)
    rows = db.session.execute(
        select(Student.id, Student.student_number, last_registered.scalar_subquery(), Student.user_id,
               assignments.scalar_subquery())
        .where(~Student.student_number.startswith(ANONYMOUS_PREFIX, autoescape=True),
               ~exists().where(Contract.student_id == Student.id, kept_contracts),
               ~exists().where(Registration.student_id == Student.id, Registration.year > last_year),
               or_(Student.synced_at.is_(None), Student.synced_at < synced_before(last_year)))
        .order_by(Student.id)
    ).all()
    accounts = _accounts({user_id for *_, user_id, _ in rows if user_id is not None})
    return [IdentityDue(sid, number, year, *accounts.get(user_id, (None, None)), count)
            for sid, number, year, user_id, count in rows]


def _accounts(user_ids):
    """{user id: (login, EMPTIED or UNLINKED)}: a student's account alone is emptied."""
    if not user_ids:
        return {}
    sm = current_app.appbuilder.sm
    User, Role = sm.user_model, sm.role_model
    staff = (select(assoc_user_role.c.user_id).join(Role, Role.id == assoc_user_role.c.role_id)
             .where(Role.name != R.STUDENT, assoc_user_role.c.user_id.in_(user_ids)))
    rows = db.session.execute(select(User.id, User.username, User.id.in_(staff)).where(User.id.in_(user_ids)))
    return {uid: (login, UNLINKED if has_staff_role else EMPTIED) for uid, login, has_staff_role in rows}


def anonymise(dues):
    """Anonymise these identities (a few statements); their accounts as ``due`` said."""
    if not dues:
        return
    ids = [d.id for d in dues]
    users = db.session.execute(select(Student.id, Student.user_id, Student.email).where(Student.id.in_(ids))).all()
    by_student = {sid: user_id for sid, user_id, _ in users}
    emptied = [by_student[d.id] for d in dues if d.account == EMPTIED and by_student.get(d.id)]
    _empty_mails(emptied, {email for *_, email in users if email})
    table = Student.__table__
    db.session.execute(
        table.update().where(table.c.id == bindparam("student")).values(
            student_number=bindparam("number"), search_name=bindparam("search"), ine=None, last_name="",
            first_name="", birth_date=None, email=None, directory_login=None, user_id=None, synced_at=None),
        [{"student": sid, "number": f"{IDENTITY_PREFIX}{sid}", "search": search_key(f"{IDENTITY_PREFIX}{sid}")}
         for sid in ids],
    )
    db.session.execute(delete(TeacherAssignment).where(TeacherAssignment.student_id.in_(ids)))
    _empty_accounts(emptied)
    db.session.expire_all()


def _empty_mails(user_ids, addresses):
    """E-mails to their synced address, and to their account when it is a student's only."""
    db.session.execute(
        update(OutboxMessage)
        .where(or_(OutboxMessage.to_user_id.in_(user_ids), OutboxMessage.to_address.in_(addresses)))
        .values(subject="", body_text="", body_html="", to_address="", to_user_id=None)
        .execution_options(synchronize_session=False)
    )


def _empty_accounts(user_ids):
    if not user_ids:
        return
    User = current_app.appbuilder.sm.user_model
    db.session.execute(
        User.__table__.update().where(User.__table__.c.id == bindparam("user")).values(
            username=bindparam("login"), email=bindparam("mail"), first_name="", last_name="", password=None,
            active=False, last_login=None, login_count=None, fail_login_count=None),
        [{"user": uid, "login": f"anonymised-{uid}", "mail": f"anonymised-{uid}@invalid"} for uid in user_ids],
    )
    for links in (assoc_user_role, assoc_user_group):
        db.session.execute(links.delete().where(links.c.user_id.in_(user_ids)))
    for model in (UserLanguage, NoticeSeen, Notification, UserSession, RoleSource):
        db.session.execute(delete(model).where(model.user_id.in_(user_ids)).execution_options(synchronize_session=False))
