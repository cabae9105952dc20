"""English labels for remediations and the charter, written by the referent next to the French ones.

Revision ID: 0014_english_labels
Revises: 0013_pegase_arrangements
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_english_labels"
down_revision = "0013_pegase_arrangements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("remediation") as batch:
        batch.add_column(sa.Column("label_en", sa.String(length=250), nullable=True))
    with op.batch_alter_table("settings") as batch:
        batch.add_column(sa.Column("charter_html_en", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("charter_html_en")
    with op.batch_alter_table("remediation") as batch:
        batch.drop_column("label_en")
