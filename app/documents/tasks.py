"""Documents prepared off the request: large extractions and ZIPs, made by the scheduler process.

A request that would hold a web worker more than a moment (over ``EXPORT_INLINE_ROWS`` contracts in
an Excel file, over ``BULK_INLINE_PDFS`` PDFs in a ZIP) queues a ``DocumentTask`` and answers at
once with a page following its progress. The ``document-tasks`` job of the scheduler process makes
the file in ``EXPORT_DIR/tasks`` (mode 0600); the page then offers it to the user who asked, and to
no one else. The rows are selected when the task runs, with that user's rights at that moment.
Files are deleted after ``DOCUMENT_TASK_KEEP_HOURS``. A task whose process died (no heartbeat for
``STALE_SECONDS``) is queued again, once.
"""
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from app.documents.models import DONE, FAILED, QUEUED, RUNNING, DocumentTask
from app.extensions import db
from app.people.models import utcnow
from app.privacy.files import discard_ids, keep_ids

log = logging.getLogger(__name__)

STALE_SECONDS = 120  # a running task's heartbeat older than this: its process died
REUSE_SECONDS = 120  # asking again for what was just made gives the same file (double clicks)
MAX_ATTEMPTS = 2


class TaskRefused(Exception):
    """The document cannot be made for this user (rights withdrawn, nothing to select): says why.

    ``status`` is the HTTP answer when a request, rather than a task, meets the refusal.
    """

    def __init__(self, message, status=404):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Kind:
    extension: str
    mimetype: str
    make: Callable  # (user, params, path, progress) -> ids of the contracts written
    channel: str  # how downloading it is recorded in the read log (app.privacy)


_kinds = {}


def register_kind(name, extension, mimetype, make, channel):
    _kinds[name] = Kind(extension, mimetype, make, channel)


def kind_of(task):
    return _kinds[task.kind]


def directory():
    path = os.path.join(current_app.config["EXPORT_DIR"], "tasks")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def file_path(task):
    return os.path.join(directory(), f"{task.token}.{kind_of(task).extension}")


def submit(user, kind, params, filename, language):
    """The user's task for this document: the one already queued or just made, else a new one."""
    encoded = json.dumps(params, sort_keys=True)
    recent = utcnow() - timedelta(seconds=REUSE_SECONDS)
    task = db.session.scalar(
        select(DocumentTask)
        .where(DocumentTask.user_id == user.id, DocumentTask.kind == kind, DocumentTask.params == encoded,
               DocumentTask.status.in_((QUEUED, RUNNING)) | ((DocumentTask.status == DONE)
                                                             & (DocumentTask.finished_at > recent)))
        .order_by(DocumentTask.id.desc())
    )
    if task is None:
        task = DocumentTask(user_id=user.id, kind=kind, params=encoded, language=language, filename=filename,
                            token=secrets.token_hex(16), status=QUEUED, done=0, attempts=0)
        db.session.add(task)
        db.session.commit()
    return task


class Progress:
    """Records how far a task got (and that it is alive), at most once a second, on its own connection."""

    def __init__(self, task_id, total=None):
        self.task_id = task_id
        self.total = total
        self.last = 0.0

    def __call__(self, done, force=False):
        if not force and time.monotonic() - self.last < 1.0:
            return
        self.last = time.monotonic()
        try:
            with db.engine.begin() as conn:
                conn.execute(update(DocumentTask).where(DocumentTask.id == self.task_id)
                             .values(done=done, total=self.total, heartbeat_at=utcnow()))
        except OperationalError:  # SQLite while the extraction reads: progress is a courtesy
            log.debug("progress of task %s not recorded", self.task_id)


def claim_next():
    """The oldest queued task, now running for us; None when none is left."""
    for task_id in db.session.scalars(
            select(DocumentTask.id).where(DocumentTask.status == QUEUED).order_by(DocumentTask.id).limit(5)):
        now = utcnow()
        claimed = db.session.execute(
            update(DocumentTask).where(DocumentTask.id == task_id, DocumentTask.status == QUEUED)
            .values(status=RUNNING, started_at=now, heartbeat_at=now, attempts=DocumentTask.attempts + 1)
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(DocumentTask, task_id)
    return None


def run(task):
    """Make one claimed task's file; the task ends done or failed with a reason the user can read."""
    user = current_app.appbuilder.sm.get_user_by_id(task.user_id)
    target = file_path(task)
    partial = target + ".part"
    try:
        if user is None or not user.is_active:
            raise TaskRefused(_("This account is no longer active."))
        with force_locale(task.language):
            ids = kind_of(task).make(user, json.loads(task.params), partial, Progress(task.id))
        keep_ids(target, ids)  # read when downloaded, not now (app.privacy.files)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
        _finish(task.id, DONE, done=len(ids), total=len(ids))
    except TaskRefused as exc:
        _discard(partial)
        _finish(task.id, FAILED, error=str(exc))
    except Exception:  # noqa: BLE001 - the user sees a plain reason, the log the details
        log.exception("document task %s failed", task.id)
        _discard(partial)
        _finish(task.id, FAILED, error=_("The document could not be prepared. Try again later, or tell an "
                                         "administrator if it keeps failing."))


def _finish(task_id, status, **values):
    db.session.rollback()
    db.session.execute(update(DocumentTask).where(DocumentTask.id == task_id)
                       .values(status=status, finished_at=utcnow(), heartbeat_at=utcnow(), **values))
    db.session.commit()


def _discard(path):
    if os.path.exists(path):
        os.remove(path)


def recover_stale():
    """Tasks left running by a process that died: queued again, or failed after MAX_ATTEMPTS."""
    limit = utcnow() - timedelta(seconds=STALE_SECONDS)
    stale = (DocumentTask.status == RUNNING) & (DocumentTask.heartbeat_at < limit)
    db.session.execute(update(DocumentTask).where(stale, DocumentTask.attempts < MAX_ATTEMPTS).values(status=QUEUED))
    db.session.execute(update(DocumentTask).where(stale).values(
        status=FAILED, finished_at=utcnow(),
        error="The document could not be prepared: its process stopped twice."))
    db.session.commit()


def clean_up():
    """Delete finished tasks older than DOCUMENT_TASK_KEEP_HOURS, and their files."""
    keep = timedelta(hours=current_app.config["DOCUMENT_TASK_KEEP_HOURS"])
    old = db.session.scalars(select(DocumentTask).where(DocumentTask.status.in_((DONE, FAILED)),
                                                        DocumentTask.finished_at < utcnow() - keep)).all()
    for task in old:
        _discard(file_path(task))
        discard_ids(file_path(task))
    if old:
        db.session.execute(delete(DocumentTask).where(DocumentTask.id.in_([t.id for t in old])))
        db.session.commit()


def run_pending():
    """Everything queued, oldest first; returns how many tasks ran."""
    recover_stale()
    clean_up()
    count = 0
    while (task := claim_next()) is not None:
        run(task)
        count += 1
    return count


def tasks_job(app):
    """The "document-tasks" job: templates and links need a request context (no request here)."""
    with app.test_request_context(base_url=app.config.get("PUBLIC_URL") or "http://localhost"):
        ran = run_pending()
        if ran:
            log.info("document tasks: %s made", ran)
