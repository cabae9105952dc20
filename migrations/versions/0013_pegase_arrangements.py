"""Pégase: registrations' special arrangements and parallel course, the catalogue's mapping of
arrangement codes, the system a contract's specific need came from

Revision ID: 0013_pegase_arrangements
Revises: 0012_notifications_double
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_pegase_arrangements"
down_revision = "0012_notifications_double"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('arrangement_codes', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('parallel_course', sa.String(length=16), nullable=True))
    with op.batch_alter_table('accommodation') as batch:
        batch.add_column(sa.Column('sis_codes', sa.String(length=200), nullable=True))
    with op.batch_alter_table('contract_accommodation') as batch:
        batch.add_column(sa.Column('sis_source', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('contract_accommodation') as batch:
        batch.drop_column('sis_source')
    with op.batch_alter_table('accommodation') as batch:
        batch.drop_column('sis_codes')
    with op.batch_alter_table('registration') as batch:
        batch.drop_column('parallel_course')
        batch.drop_column('arrangement_codes')
