"""The registrations' programme index also holds the year: the dashboard, the reports and the « not
started » list read one year of a DETU's programmes (a fifth of each programme's rows), not every year

Revision ID: 0019_registration_programme_year
Revises: 0018_registration_year_order
"""
from alembic import op


revision = "0019_registration_programme_year"
down_revision = "0018_registration_year_order"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_registration_programme_id", table_name="registration")
    op.create_index("ix_registration_programme_year", "registration", ["programme_id", "year"])


def downgrade():
    op.drop_index("ix_registration_programme_year", table_name="registration")
    op.create_index("ix_registration_programme_id", "registration", ["programme_id"])
