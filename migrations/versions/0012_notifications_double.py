"""in-app notifications; the setting that opens a second contract for a double enrolment

Revision ID: 0012_notifications_double
Revises: 0011_contract_documents
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_notifications_double"
down_revision = "0011_contract_documents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_user_unread", "notification", ["user_id", "read_at"])
    op.create_index("ix_notification_contract_id", "notification", ["contract_id"])
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("double_enrolment_contracts", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("double_enrolment_contracts")
    op.drop_index("ix_notification_contract_id", table_name="notification")
    op.drop_index("ix_notification_user_unread", table_name="notification")
    op.drop_table("notification")
