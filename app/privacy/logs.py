"""Personal logs other than the read log, kept ``Settings.personal_log_retention_months``, then deleted:

- impersonation sessions (who acted as whom, when, from which address) ended before then, with
  every request made during them;
- in-app notifications created before then (read or not);
- the sync's error lines (they name students) of syncs started before then; the syncs' counts stay.
"""
from sqlalchemy import delete, func, select

from app.extensions import db
from app.notify.models import Notification
from app.security.models import ImpersonationRequest, ImpersonationSession
from app.sis.models import SyncError, SyncRun

# What a run reports, in this order (RetentionRun columns <name>_deleted).
KINDS = ("impersonations", "impersonation_requests", "notifications", "sync_errors")


def _old_sessions(before):
    ended = func.coalesce(ImpersonationSession.ended_at, ImpersonationSession.last_seen_at,
                          ImpersonationSession.started_at)
    return select(ImpersonationSession.id).where(ended < before)


def _conditions(before):
    sessions = _old_sessions(before)
    return {
        "impersonations": (ImpersonationSession, ImpersonationSession.id.in_(sessions)),
        "impersonation_requests": (ImpersonationRequest, ImpersonationRequest.session_id.in_(sessions)),
        "notifications": (Notification, Notification.created_at < before),
        "sync_errors": (SyncError, SyncError.run_id.in_(select(SyncRun.id).where(SyncRun.started_at < before))),
    }


def due(before):
    """{kind: number of rows older than ``before``}."""
    return {kind: db.session.scalar(select(func.count()).select_from(model).where(condition))
            for kind, (model, condition) in _conditions(before).items()}


def delete_old(before):
    """Delete them (requests before their sessions); {kind: rows deleted}."""
    conditions = _conditions(before)
    deleted = {}
    for kind in ("impersonation_requests", "impersonations", "notifications", "sync_errors"):
        model, condition = conditions[kind]
        deleted[kind] = db.session.execute(
            delete(model).where(condition).execution_options(synchronize_session=False)).rowcount
    return deleted
