"""Pégase: the registration's césure (gap year: SEMESTRE or ANNEE)

Revision ID: 0015_pegase_gap_year
Revises: 0014_english_labels
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_pegase_gap_year"
down_revision = "0014_english_labels"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("gap_year", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("gap_year")
