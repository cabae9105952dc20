"""The registrations' year index also holds the id: the referents' list (latest year first, then id)
reads its 25 rows in the index's order instead of sorting 200,000 registrations

Revision ID: 0018_registration_year_order
Revises: 0017_contract_live_indexes
"""
from alembic import op


revision = "0018_registration_year_order"
down_revision = "0017_contract_live_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_registration_year", table_name="registration")
    op.create_index("ix_registration_year_id", "registration", ["year", "id"])


def downgrade():
    op.drop_index("ix_registration_year_id", table_name="registration")
    op.create_index("ix_registration_year", "registration", ["year"])
