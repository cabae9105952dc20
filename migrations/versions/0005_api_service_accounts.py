"""API: service accounts and the faculties they read

Revision ID: 0005_api_service_accounts
Revises: 0004
Create Date: 2026-11-30 03:18:22.311530
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_api_service_accounts'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('all_faculties', sa.Boolean(), nullable=False),
    sa.Column('health_needs', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('service_account_faculty',
    sa.Column('service_account_id', sa.Integer(), nullable=False),
    sa.Column('faculty_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['faculty_id'], ['faculty.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_account_id'], ['service_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_account_id', 'faculty_id')
    )


def downgrade():
    op.drop_table('service_account_faculty')
    op.drop_table('service_account')
