"""sis: at most one running sync, whatever the process (requested runs wait beside it)

Revision ID: 0009_sync_liveness
Revises: 0008_privacy
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_sync_liveness"
down_revision = "0008_privacy"
branch_labels = None
depends_on = None

ONE_RUNNING = sa.text("status = 'running'")


def upgrade():
    # Runs left "running" by a process that died before this version: failed, so the index holds.
    op.execute("UPDATE sync_run SET status = 'failed', reason = 'Interrupted.', finished_at = heartbeat_at "
               "WHERE status = 'running'")
    op.create_index("uq_sync_run_one_running", "sync_run", ["status"], unique=True,
                    sqlite_where=ONE_RUNNING, postgresql_where=ONE_RUNNING)


def downgrade():
    op.drop_index("uq_sync_run_one_running", table_name="sync_run")
    op.execute("UPDATE sync_run SET status = 'failed', reason = 'Never started.' WHERE status = 'requested'")
