"""Service accounts: the machine clients of the API (Pégase, BI tools, an ENT portal…).

A service account is an ordinary account (``ab_user``) holding only the ``ApiReader`` role, with
no usable password: it authenticates with Flask-AppBuilder API keys (``ab_api_key``). Its row here
says what it may read, like a registrar: the contracts of chosen faculties, or of all of them,
and whether health-related specific needs are part of what it needs to know.
"""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import relationship

from app.people.models import utcnow

service_account_faculty = Table(
    "service_account_faculty",
    Model.metadata,
    Column("service_account_id", Integer, ForeignKey("service_account.id", ondelete="CASCADE"), primary_key=True),
    Column("faculty_id", Integer, ForeignKey("faculty.id", ondelete="CASCADE"), primary_key=True),
)


class ServiceAccount(Model):
    __tablename__ = "service_account"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, unique=True)
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    purpose = Column(String(500), nullable=False, default="")
    all_faculties = Column(Boolean, nullable=False, default=False)
    faculties = relationship("Faculty", secondary=service_account_faculty, lazy="selectin", order_by="Faculty.code")
    # Health-related needs are sensitive: a client gets them only when its purpose needs them.
    health_needs = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="select")

    def __repr__(self):
        return self.user.username if self.user else f"service account {self.id}"
