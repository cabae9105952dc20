"""The "security-purge" job keeps the session and login-counter tables to what is still useful."""
import time
from datetime import timedelta

from sqlalchemy import func, select


def test_the_purge_deletes_old_sessions_and_spent_counters_only(app, login):
    from app.extensions import db
    from app.jobs.registry import registered_jobs
    from app.people.models import utcnow
    from app.security.models import RateLimitCounter, UserSession
    from app.security.purge import purge_job

    live = login("detu")
    login("teacher").post("/logout/")
    with app.app_context():
        long_ago = utcnow() - timedelta(days=31)
        ended = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_not(None))).all()
        assert ended, "the teacher's logout ends a session"
        for row in ended:
            row.ended_at = long_ago
        now = time.time()
        db.session.add_all([RateLimitCounter(key="spent", count=3, expires_at=now - 1),
                            RateLimitCounter(key="running", count=1, expires_at=now + 600)])
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(UserSession))

    assert "security-purge" in {job.id for job in registered_jobs()}
    purge_job(app)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == before - len(ended)
        assert db.session.scalars(select(RateLimitCounter.key)).all() == ["running"]
    assert live.get("/contracts/dashboard/").status_code == 200  # live sessions are kept
