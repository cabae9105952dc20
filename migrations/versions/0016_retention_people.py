"""Retention of student identities no longer registered and of the other personal logs

Revision ID: 0016_retention_people
Revises: 0015_pegase_gap_year
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_retention_people"
down_revision = "0015_pegase_gap_year"
branch_labels = None
depends_on = None

RUN_COUNTS = ("identities_anonymised", "impersonations_deleted", "impersonation_requests_deleted",
              "notifications_deleted", "sync_errors_deleted")


def upgrade():
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("identity_retention_years", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("personal_log_retention_months", sa.Integer(), server_default="12", nullable=False))
    with op.batch_alter_table("retention_run") as batch:
        batch.add_column(sa.Column("identities_last_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("logs_before", sa.DateTime(), nullable=True))
        for name in RUN_COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("retention_run") as batch:
        for name in reversed(RUN_COUNTS):
            batch.drop_column(name)
        batch.drop_column("logs_before")
        batch.drop_column("identities_last_year")
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("personal_log_retention_months")
        batch.drop_column("identity_retention_years")
