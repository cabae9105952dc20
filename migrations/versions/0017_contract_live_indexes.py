"""The contract list's indexes end with ``anonymised_at``: a list's count reads the index alone

Revision ID: 0017_contract_live_indexes
Revises: 0016_retention_people
"""
from alembic import op


revision = "0017_contract_live_indexes"
down_revision = "0016_retention_people"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_contract_programme_year_status": ["programme_id", "year", "status"],
    "ix_contract_year_status": ["year", "status"],
}


def _replace(extra):
    for name, columns in INDEXES.items():
        op.drop_index(name, table_name="contract")
        op.create_index(name, "contract", columns + extra)


def upgrade():
    _replace(["anonymised_at"])


def downgrade():
    _replace([])
