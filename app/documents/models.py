"""Documents prepared off the request: a large extraction or ZIP, made by the scheduler process."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from app.people.models import utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
TASK_STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class DocumentTask(Model):
    """One document a user asked for; they follow its progress, then download it (theirs alone).

    ``params`` holds the request's arguments (JSON): the rows are selected again, when the task runs,
    with the user's rights at that moment.
    """

    __tablename__ = "document_task"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    params = Column(Text, nullable=False, default="{}")
    language = Column(String(5), nullable=False, default="fr")
    filename = Column(String(200), nullable=False)  # offered to the browser
    token = Column(String(64), nullable=False, unique=True)  # the file's name on disk
    status = Column(String(16), nullable=False, default=QUEUED, index=True)
    total = Column(Integer)
    done = Column(Integer, nullable=False, default=0)
    attempts = Column(Integer, nullable=False, default=0)
    error = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    started_at = Column(DateTime)
    heartbeat_at = Column(DateTime)
    finished_at = Column(DateTime)

    def __repr__(self):
        return f"DocumentTask {self.id} {self.kind} {self.status}"
