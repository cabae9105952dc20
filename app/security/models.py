"""Where each user's role came from, impersonation sessions, and the requests made while impersonating."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from app.people.models import utcnow

DIRECTORY = "directory"
APPLICATION = "application"


class RoleSource(Model):
    """One origin of one role of one user: the directory's groups, or a grant in the application.

    A role may have both. Roles held with no row at all were granted in the application.
    """

    __tablename__ = "role_source"
    __table_args__ = (UniqueConstraint("user_id", "role_id", "source", name="uq_role_source"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    role_id = Column(Integer, ForeignKey("ab_role.id", ondelete="CASCADE"), nullable=False)
    source = Column(String(16), nullable=False)
    recorded_at = Column(DateTime, nullable=False, default=utcnow)


class ImpersonationSession(Model):
    """Someone ("impersonator") acting as another user, from start to stop."""

    __tablename__ = "impersonation_session"
    id = Column(Integer, primary_key=True)
    impersonator_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    impersonator = relationship("User", foreign_keys=[impersonator_id], lazy="joined")
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    started_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    ended_at = Column(DateTime)
    last_seen_at = Column(DateTime)
    remote_addr = Column(String(64))

    @property
    def duration(self):
        """How long it lasted; for a session never stopped, up to its last request."""
        end = self.ended_at or self.last_seen_at or self.started_at
        return end - self.started_at


class ImpersonationRequest(Model):
    """One request made while impersonating, attributed to both users."""

    __tablename__ = "impersonation_request"
    id = Column(Integer, primary_key=True)
    session_id = Column(Integer, ForeignKey("impersonation_session.id"), nullable=False, index=True)
    impersonator_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    method = Column(String(8), nullable=False)
    path = Column(String(500), nullable=False)
    endpoint = Column(String(200))


class UserSession(Model):
    """One signed-in session, browser or API, checked at every request: ended sessions stay ended.

    The cookie (or the JWT) carries a random token; only its SHA-256 is stored here, so a copy of
    the database opens no session.
    """

    __tablename__ = "user_session"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(8), nullable=False)  # "web" or "api"
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)  # the absolute end, whatever the activity
    ended_at = Column(DateTime)
    end_reason = Column(String(16))  # logout, password, deactivated, idle, expired, single-logout
    # SHA-256 of the CAS service ticket that opened it: the CAS server's single logout names it.
    sso_ticket_hash = Column(String(64), index=True)
    # Read with its user, their roles and groups in one statement at every request (sessions.find).
    user = relationship("User", foreign_keys=[user_id], lazy="select")


class RateLimitCounter(Model):
    """A fixed-window counter of the rate limits (login attempts), shared by every web node."""

    __tablename__ = "rate_limit_counter"
    key = Column(String(300), primary_key=True)
    count = Column(Integer, nullable=False)
    expires_at = Column(Float, nullable=False)  # seconds since the epoch
