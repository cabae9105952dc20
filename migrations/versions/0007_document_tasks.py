"""Documents prepared off the request (large extractions and ZIPs), with their progress.

Revision ID: 0007_document_tasks
Revises: 0006_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_document_tasks"
down_revision = "0006_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("document_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_task_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_task_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("document_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_task_status"))
        batch_op.drop_index(batch_op.f("ix_document_task_user_id"))
    op.drop_table("document_task")
