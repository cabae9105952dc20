"""Sessions that end: every browser session and every API refresh token is a ``UserSession`` row.

The signed cookie (or the JWT) only carries a random token; each request checks that its row is
still live, so logging out, changing one's password or being deactivated ends the session on
every web node at once, and a copied cookie is refused afterwards. Two lifetimes apply:
``PERMANENT_SESSION_LIFETIME`` without activity (idle) and ``SESSION_ABSOLUTE_LIFETIME`` since
the login, whatever the activity. API sessions last as long as their refresh token.
"""
import functools
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.people.models import utcnow
from app.security.models import UserSession

SESSION_KEY = "sid"
WEB, API = "web", "api"
# last_seen_at is written at most this often: one UPDATE per minute and session, not per request.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start(user, kind=WEB, lifetime=None, sso_ticket=None):
    """Open a session for ``user``; returns its token (for the cookie or the JWT). Commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = lifetime or current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, kind=kind, created_at=now,
                               last_seen_at=now, expires_at=now + lifetime,
                               sso_ticket_hash=_hash(sso_ticket) if sso_ticket else None))
    db.session.commit()
    return token


def start_web(user, sso_ticket=None):
    """After a browser login: a fresh cookie session holding the new token."""
    session.clear()
    session.permanent = True  # PERMANENT_SESSION_LIFETIME then applies to the cookie too
    session[SESSION_KEY] = start(user, WEB, sso_ticket=sso_ticket)


@functools.cache  # loader options are immutable: built once, not at every request
def with_roles(user=None):
    """Loader options: a user with their roles and their groups' roles, in the same statement
    (FAB's permission checks read them at every request; lazily, that is two more statements).
    ``user``: the relationship that leads to the user, when the statement reads something else.
    Only the columns a page uses are read: the password hash and the login counters load on the
    rare page that asks for them (one statement more there, and fewer columns on every request)."""
    from flask_appbuilder.security.sqla.models import Group, Role, User

    def path(*attributes):
        chain = joinedload(user) if user is not None else None
        for attribute in attributes:
            chain = chain.joinedload(attribute) if chain is not None else joinedload(attribute)
        return chain

    shown = (User.first_name, User.last_name, User.username, User.email, User.active)
    return (
        path().load_only(*shown) if user is not None else load_only(*shown),
        path(User.roles).load_only(Role.name),
        path(User.groups).load_only(Group.name),
        path(User.groups, Group.roles).load_only(Role.name),
    )


def find(token):
    """The session behind ``token`` with its user, roles and groups: one statement per request, and
    the user's own load (the cookie names the same id) is then found in the session's identity map."""
    if not token:
        return None
    return db.session.scalars(_session_with_user(), {"token_hash": _hash(token)}).unique().first()


@functools.cache
def _session_with_user():
    """The statement, built once: SQLAlchemy then keeps its cache key instead of working it out
    again from the options at every request."""
    live = load_only(UserSession.user_id, UserSession.kind, UserSession.last_seen_at, UserSession.expires_at,
                     UserSession.ended_at)
    return (select(UserSession).where(UserSession.token_hash == bindparam("token_hash"))
            .options(live, *with_roles(UserSession.user)))


def live(token, user_id, kind):
    """The live session of ``user_id`` behind ``token``, or None (ending it if it has just expired)."""
    row = find(token)
    if row is None or row.ended_at is not None or row.user_id != user_id or row.kind != kind:
        return None
    now = utcnow()
    reason = None
    if now >= row.expires_at:
        reason = "expired"
    elif kind == WEB and now - row.last_seen_at >= current_app.config["PERMANENT_SESSION_LIFETIME"]:
        reason = "idle"
    if reason:
        _end_rows(UserSession.id == row.id, reason)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        db.session.execute(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
    return row


def end(token, reason):
    """End one session (logout). Commits."""
    if token:
        _end_rows(UserSession.token_hash == _hash(token), reason)


def end_by_sso_ticket(ticket, reason="single-logout"):
    """End the session that a CAS service ticket opened (the CAS server's single logout). Commits."""
    if ticket:
        _end_rows(UserSession.sso_ticket_hash == _hash(ticket), reason)


def end_all(user_id, reason, keep=None):
    """End every session of a user (password changed, deactivated), but ``keep`` (a token). Commits."""
    condition = UserSession.user_id == user_id
    if keep:
        condition = condition & (UserSession.token_hash != _hash(keep))
    _end_rows(condition, reason)


def _end_rows(condition, reason):
    db.session.execute(
        update(UserSession).where(condition, UserSession.ended_at.is_(None)).values(ended_at=utcnow(), end_reason=reason)
    )
    db.session.commit()


def current_token():
    return session.get(SESSION_KEY)


def purge(older_than=timedelta(days=30)):
    """Delete rows of sessions that ended or expired long ago; returns how many. Commits."""
    limit = utcnow() - older_than
    result = db.session.execute(
        UserSession.__table__.delete().where((UserSession.ended_at < limit) | (UserSession.expires_at < limit))
    )
    db.session.commit()
    return result.rowcount
