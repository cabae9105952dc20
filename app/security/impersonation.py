"""« Se connecter en tant que »: acting as another user, who may, and the audit of it.

While impersonating, the session holds the *target* as the signed-in user (so every page shows
exactly what they see) and the real user's id under ``IMPERSONATOR_KEY``. The contract workflow asks
``current_impersonator()`` and refuses validation and signature while it is set.

Rules (``refusal``):
- only holders of a role listed in ``IMPERSONATION_ROLES`` (Admin and FunctionalReferent by default);
- never oneself, never an inactive account, never from inside another impersonation;
- never an administrator, and never someone whose highest role (``app.roles.PRIVILEGE``) ranks as
  high as or higher than the impersonator's: a referent acts as DETUs, teachers, counsellors,
  registrars and students but not as another referent; an admin also as referents.
"""
import logging
import math

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import or_, select

from app import policy
from app import roles as R
from app.extensions import db
from app.people.models import DetuAssignment, Registration, Student, utcnow
from app.security.models import DIRECTORY, ImpersonationRequest, ImpersonationSession, RoleSource

log = logging.getLogger(__name__)

IMPERSONATOR_KEY = "impersonator_id"
SESSION_KEY = "impersonation_session_id"
SEARCH_LIMIT = 50
UNAUDITED_ENDPOINTS = {None, "static", "appbuilder.static"}


class ImpersonationRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- who -----------------------------------------------------------------------------------------


def impersonator_roles():
    raw = current_app.config.get("IMPERSONATION_ROLES") or ""
    names = raw if isinstance(raw, (list, tuple, set, frozenset)) else raw.split(",")
    return {name.strip() for name in names if name.strip()}


def may_impersonate(user):
    """Whether ``user`` may use the impersonation pages at all (not while already impersonating)."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and not is_impersonating()
        and bool(policy.roles_of(user) & impersonator_roles())
    )


def rank(user):
    """The user's highest privilege; an unknown role counts as the highest (refuse when unsure)."""
    ranks = [0 if name == R.PUBLIC else R.PRIVILEGE.get(name, math.inf) for name in policy.roles_of(user)]
    return max(ranks, default=0)


def refusal(impersonator, target):
    """Why ``impersonator`` may not act as ``target``, or None when they may."""
    if not may_impersonate(impersonator):
        if is_impersonating():
            return _("You are already acting as another user: go back to your own account first.")
        return _("You may not act as another user.")
    if target is None or not target.is_active:
        return _("This account is not active.")
    if target.id == impersonator.id:
        return _("This is your own account.")
    if R.ADMIN in policy.roles_of(target):
        return _("Nobody can act as an administrator.")
    if rank(target) >= rank(impersonator):
        return _("You cannot act as someone who holds as many rights as you, or more.")
    return None


# --- the current state ---------------------------------------------------------------------------


def is_impersonating():
    return bool(session.get(IMPERSONATOR_KEY))


def current_impersonator():
    """The real user when someone is acting as ``g.user`` through impersonation, else None."""
    user_id = session.get(IMPERSONATOR_KEY)
    if not user_id:
        return None
    return db.session.get(current_app.appbuilder.sm.user_model, user_id)


def current_session():
    session_id = session.get(SESSION_KEY)
    return db.session.get(ImpersonationSession, session_id) if session_id else None


# --- start and stop ------------------------------------------------------------------------------


def start(impersonator, target):
    """Begin acting as ``target``; raises ImpersonationRefused. Commits."""
    reason = refusal(impersonator, target)
    if reason:
        raise ImpersonationRefused(reason)
    row = ImpersonationSession(
        impersonator_id=impersonator.id, user_id=target.id, remote_addr=(request.remote_addr or "")[:64]
    )
    db.session.add(row)
    db.session.commit()
    log.info("Impersonation %s: %s acts as %s", row.id, impersonator.username, target.username)
    real_id = impersonator.id
    login_user(target, remember=False)
    session[IMPERSONATOR_KEY] = real_id
    session[SESSION_KEY] = row.id
    return row


def stop():
    """Go back to the real account; returns it (None when it can no longer sign in). Commits."""
    row = current_session()
    real = current_impersonator()
    _close(row)
    forget()
    if real is not None and real.is_active:
        login_user(real, remember=False)
        return real
    logout_user()
    return None


def end_on_logout():
    """Logging out ends the impersonation too."""
    if is_impersonating():
        _close(current_session())
        forget()


def forget():
    session.pop(IMPERSONATOR_KEY, None)
    session.pop(SESSION_KEY, None)


def _close(row):
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        db.session.commit()


# --- the audit -----------------------------------------------------------------------------------


def audit_request():
    """Before each request made while impersonating: check the state, record the request.

    A state that does not match an open session (stopped elsewhere, tampered, impersonator
    deactivated) signs everybody out rather than leaving someone acting as another user.
    """
    session_id = session.get(SESSION_KEY)
    if not session_id and not session.get(IMPERSONATOR_KEY):
        return
    if request.endpoint in UNAUDITED_ENDPOINTS:
        return
    row = db.session.get(ImpersonationSession, session_id) if session_id else None
    if (
        row is None
        or row.ended_at is not None
        or str(row.user_id) != str(session.get("_user_id"))
        or str(row.impersonator_id) != str(session.get(IMPERSONATOR_KEY))
        or not row.impersonator.is_active
    ):
        _close(row)
        forget()
        logout_user()
        return
    now = utcnow()
    row.last_seen_at = now
    db.session.add(
        ImpersonationRequest(
            session_id=row.id,
            impersonator_id=row.impersonator_id,
            user_id=row.user_id,
            at=now,
            method=request.method[:8],
            path=request.full_path.rstrip("?")[:500],
            endpoint=(request.endpoint or "")[:200],
        )
    )
    db.session.commit()


# --- finding whom to act as ------------------------------------------------------------------------


class Candidate:
    """A search result: an account, or a student who has not signed in yet (no account)."""

    def __init__(self, user=None, student=None):
        self.user, self.student = user, student

    @property
    def key(self):
        return ("user", self.user.id) if self.user is not None else ("student", self.student.id)

    @property
    def sort_key(self):
        person = self.user or self.student
        return (person.last_name.lower(), person.first_name.lower(), self.key)


def _matching(query, last_col, first_col, login_col, last_name, first_name, login):
    """``query`` narrowed to rows containing each criterion given (case-insensitive)."""
    for column, value in ((last_col, last_name), (first_col, first_name), (login_col, login)):
        if value:
            query = query.where(column.icontains(value, autoescape=True))
    return query


def search(last_name="", first_name="", login="", programme_id=None, year=None, limit=SEARCH_LIMIT):
    """Accounts and students matching every criterion given (webinar: names, login, programme)."""
    last_name, first_name, login = (v.strip() for v in (last_name or "", first_name or "", login or ""))
    if not (last_name or first_name or login or programme_id):
        return []
    User = current_app.appbuilder.sm.user_model

    users = _matching(select(User), User.last_name, User.first_name, User.username, last_name, first_name, login)
    students = _matching(
        select(Student), Student.last_name, Student.first_name, Student.directory_login, last_name, first_name, login
    )
    if programme_id:
        registered = select(Registration.student_id).where(
            Registration.programme_id == programme_id, Registration.is_cancelled.is_(False)
        )
        if year:
            registered = registered.where(Registration.year == year)
        students = students.where(Student.id.in_(registered))
        users = users.where(
            or_(
                User.id.in_(select(Student.user_id).where(Student.id.in_(registered))),
                User.id.in_(select(DetuAssignment.user_id).where(DetuAssignment.programme_id == programme_id)),
            )
        )
    found = {}
    for user in db.session.scalars(users.order_by(User.last_name, User.first_name).limit(limit)):
        found[("user", user.id)] = Candidate(user=user)
    for student in db.session.scalars(students.order_by(Student.last_name, Student.first_name).limit(limit)):
        candidate = Candidate(user=student.user) if student.user is not None else Candidate(student=student)
        candidate.student = student
        found.setdefault(candidate.key, candidate).student = student
    return sorted(found.values(), key=lambda c: c.sort_key)[:limit]


def account_for_student(student):
    """The account to act as for a student who has never signed in: created from their directory
    login (Apogée loginAnnuaire = directory uid), so their first login finds it. Commits."""
    if student.user is not None:
        return student.user
    login = (student.directory_login or "").strip()
    if not login:
        raise ImpersonationRefused(
            _("This student has no directory login yet: there is no account to act as.")
        )
    sm = current_app.appbuilder.sm
    if sm.find_user(username=login) is not None:
        # Linking is the student number's job at login; guessing from a login could link anyone.
        raise ImpersonationRefused(
            _("An account with this login exists but is not linked to this student yet: "
              "it will be at their next login.")
        )
    user = sm.add_user(
        username=login,
        first_name=student.first_name[:64],
        last_name=student.last_name[:64],
        email=_free_email(sm, student.email, login),
        role=[sm.find_role(R.STUDENT)],
        commit=False,
    )
    db.session.add(RoleSource(user_id=user.id, role_id=sm.find_role(R.STUDENT).id, source=DIRECTORY))
    student.user_id = user.id
    db.session.commit()
    return user


def _free_email(sm, email, login):
    email = (email or "").strip()
    if email and sm.find_user(email=email) is None:
        return email[:320]
    return f"{login}@directory.invalid"
