"""security: role origins, impersonation sessions and the audit of their requests

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "role_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["role_id"], ["ab_role.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "role_id", "source", name="uq_role_source"),
    )
    op.create_index("ix_role_source_user_id", "role_source", ["user_id"])
    op.create_table(
        "impersonation_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("impersonator_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["impersonator_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_impersonation_session_impersonator_id", "impersonation_session", ["impersonator_id"])
    op.create_index("ix_impersonation_session_user_id", "impersonation_session", ["user_id"])
    op.create_index("ix_impersonation_session_started_at", "impersonation_session", ["started_at"])
    op.create_table(
        "impersonation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("impersonator_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("endpoint", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["impersonator_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["impersonation_session.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_impersonation_request_session_id", "impersonation_request", ["session_id"])
    op.create_index("ix_impersonation_request_impersonator_id", "impersonation_request", ["impersonator_id"])
    op.create_index("ix_impersonation_request_user_id", "impersonation_request", ["user_id"])


def downgrade():
    op.drop_table("impersonation_request")
    op.drop_table("impersonation_session")
    op.drop_table("role_source")
