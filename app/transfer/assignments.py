"""Assignments in the settings file: who is DETU of which programme, referent teacher of which student,
registrar of which faculty; people by login, the rest by the codes of the student information system.

An import adds the assignments the database lacks and keeps the others.
"""
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.people.models import (
    DetuAssignment,
    Faculty,
    Programme,
    RegistrarAssignment,
    Student,
    TeacherAssignment,
)


@dataclass(frozen=True)
class Kind:
    name: str  # in the file
    label: str  # in reports
    model: type
    target: str  # the field naming what is assigned
    column: str  # the model's foreign key
    lookup: Callable  # {code: id} of every possible target
    code_of: Callable  # assignment -> code


def _programmes():
    return {p.code: p.id for p in db.session.scalars(select(Programme))}


def _students():
    return dict(db.session.execute(select(Student.student_number, Student.id)).all())


def _faculties():
    return dict(db.session.execute(select(Faculty.code, Faculty.id)).all())


KINDS = (
    Kind("detu", "DETU", DetuAssignment, "programme", "programme_id", _programmes, lambda a: a.programme.code),
    Kind("teacher", "referent teacher", TeacherAssignment, "student_number", "student_id", _students,
         lambda a: a.student.student_number),
    Kind("registrar", "registrar", RegistrarAssignment, "faculty", "faculty_id", _faculties, lambda a: a.faculty.code),
)


def export():
    return {
        kind.name: sorted(
            ({"login": a.user.username, kind.target: kind.code_of(a)} for a in db.session.scalars(select(kind.model))),
            key=lambda entry: (entry["login"], entry[kind.target]),
        )
        for kind in KINDS
    }


def _users():
    User = current_app.appbuilder.sm.user_model
    return dict(db.session.execute(select(func.lower(User.username), User.id)).all())


def _wanted(kind, raw, users, problems):
    """{(user id, target id): (login, code)} of the file's entries of one kind."""
    if not isinstance(raw, list):
        problems.append(f"assignments.{kind.name}: must be a list")
        return {}
    targets, wanted = kind.lookup(), {}
    for index, item in enumerate(raw):
        where = f"assignments.{kind.name}[{index}]"
        if not isinstance(item, dict) or set(item) != {"login", kind.target}:
            problems.append(f"{where}: must hold exactly \"login\" and \"{kind.target}\"")
            continue
        resolved = _resolve(kind, item, users, targets, where, problems)
        if resolved:
            wanted[resolved] = (item["login"], item[kind.target])
    return wanted


def _resolve(kind, item, users, targets, where, problems):
    """(user id, target id) of one entry, or None with the reasons recorded."""
    login, code = item["login"], item[kind.target]
    user_id = users.get(login.lower()) if isinstance(login, str) else None
    target_id = targets.get(code) if isinstance(code, str) else None
    if user_id is None:
        problems.append(f"{where}: no account has the login {login!r} (it is created at the first login)")
    if target_id is None:
        problems.append(f"{where}: {kind.target} {code!r} is unknown here (run the sync first)")
    return (user_id, target_id) if user_id is not None and target_id is not None else None


def step(raw, problems):
    """(describe, write) of the assignments to add."""
    if not isinstance(raw, dict) or set(raw) - {k.name for k in KINDS}:
        problems.append("assignments: must hold \"detu\", \"teacher\" and \"registrar\" lists")
        return (lambda: [], lambda: None)
    users, missing = _users(), []
    for kind in KINDS:
        if kind.name not in raw:
            continue
        wanted = _wanted(kind, raw[kind.name], users, problems)
        column = getattr(kind.model, kind.column)
        existing = set(db.session.execute(select(kind.model.user_id, column)).all())
        missing += [(kind, key, names) for key, names in sorted(wanted.items(), key=lambda i: i[1]) if key not in existing]

    def describe():
        return [f"{kind.label} assignment {login} → {code}: added" for kind, _, (login, code) in missing]

    def write():
        for kind, (user_id, target_id), _ in missing:
            db.session.add(kind.model(user_id=user_id, **{kind.column: target_id}))

    return describe, write
