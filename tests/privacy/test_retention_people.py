"""Retention of people: identities of students no longer registered, impersonation records, in-app
notifications and sync error lines, by the same job and command as the contracts."""
from datetime import datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.catalog.models import Settings
from app.contracts.models import Contract
from app.extensions import db
from app.notify.models import Notification, OutboxMessage, UserLanguage
from app.people.models import Programme, Registration, Student, TeacherAssignment, utcnow
from app.privacy import retention
from app.privacy.models import NoticeSeen, RetentionRun
from app.security.models import ImpersonationRequest, ImpersonationSession, RoleSource
from app.sis.models import SyncError, SyncRun

APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}


def _student(number, *, years=(), synced=None, roles=None, contract_years=()):
    """A synced student registered in ``years``, with an account holding ``roles`` when given."""
    sm = current_app.appbuilder.sm
    programme = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH"))
    student = Student(student_number=number, ine=f"INE{number}", last_name=f"Nom{number}", first_name="Prénom",
                      birth_date=datetime(2001, 5, 4).date(), email=f"e{number}@etu.example",
                      directory_login=f"login{number}", synced_at=synced)
    db.session.add(student)
    for year in years:
        db.session.add(Registration(student=student, programme=programme, year=year, regime_code="1"))
    for year in contract_years:
        db.session.add(Contract(student=student, programme=programme, year=year, status="signed"))
    if roles:
        user = sm.add_user(f"login{number}", "Prénom", f"Nom{number}", f"e{number}@etu.example",
                           [sm.find_role(r) for r in roles], password="demo")
        student.user_id = user.id
        db.session.add_all([UserLanguage(user_id=user.id, language="en"), NoticeSeen(user_id=user.id),
                            RoleSource(user_id=user.id, role_id=sm.find_role("Student").id, source="directory")])
        db.session.add(OutboxMessage(kind="signed", to_address=student.email, to_user_id=user.id,
                                     subject="Votre contrat est signé", body_text="Signé.", body_html="<p>Signé.</p>",
                                     status="sent", sent_at=utcnow()))
    teacher = sm.find_user(username="teacher")
    db.session.add(TeacherAssignment(user_id=teacher.id, student=student))
    db.session.flush()
    return student


@pytest.fixture
def people(app, ctx):
    """Students gone or still there (the current year is the demo's), and old and recent logs."""
    current = ctx.get(Settings, 1).current_year
    old_sync = datetime(current - 3, 10, 1)
    made = {
        # Gone: last registered three years ago; their only contract is past its own retention.
        "gone": _student("90000001", years=(current - 3,), synced=old_sync, roles=("Student",),
                         contract_years=(current - 7,)),
        "gone_staff": _student("90000002", years=(current - 3,), synced=old_sync, roles=("Student", "Teacher")),
        "never_synced": _student("90000003"),
        # Kept: registered last year; a contract still kept in full; still sent by the information system.
        "last_year": _student("90000004", years=(current - 1,), synced=datetime(current - 1, 10, 1)),
        "contract_kept": _student("90000005", years=(current - 4,), synced=old_sync, contract_years=(current - 4,)),
        "synced_now": _student("90000006", synced=utcnow()),
    }
    ctx.commit()
    _logs(app, ctx)
    return {name: s.id for name, s in made.items()}


def _logs(app, ctx):
    """One old and one recent impersonation session (2 requests each), notification and sync error."""
    sm = app.appbuilder.sm
    referent, student, detu = (sm.find_user(username=u) for u in ("referent", "student", "detu"))
    contract_id = ctx.scalar(select(Contract.id).order_by(Contract.id.desc()))
    for days in (400, 30):
        at = utcnow() - timedelta(days=days)
        session = ImpersonationSession(impersonator_id=referent.id, user_id=student.id, started_at=at,
                                       ended_at=at + timedelta(minutes=5), remote_addr="192.0.2.1")
        ctx.add(session)
        ctx.flush()
        ctx.add_all([ImpersonationRequest(session_id=session.id, impersonator_id=referent.id, user_id=student.id,
                                          at=at, method="GET", path=f"/my/contract/?n={n}") for n in (1, 2)])
        ctx.add(Notification(user_id=detu.id, contract_id=contract_id, event="submitted", created_at=at))
        run = SyncRun(started_at=at, heartbeat_at=at, status="partial", year=2026, failed=1)
        ctx.add(run)
        ctx.flush()
        ctx.add(SyncError(run_id=run.id, student_number="21000001", code="NO_EMAIL", message="Martin: no e-mail"))
    ctx.commit()


def counts():
    models = (ImpersonationSession, ImpersonationRequest, Notification, SyncError, SyncRun)
    return [db.session.scalar(select(func.count()).select_from(m)) for m in models]


def identity(student_id):
    s = db.session.get(Student, student_id)
    return (s.student_number, s.ine, s.last_name, s.first_name, s.birth_date, s.email, s.directory_login,
            s.user_id, s.synced_at)


def account(user_id):
    user = db.session.get(current_app.appbuilder.sm.user_model, user_id)
    return (user.username, user.first_name, user.last_name, user.email, user.password is None, user.active,
            sorted(r.name for r in user.roles))


def test_a_dry_run_prints_the_identities_and_logs_it_would_change_and_changes_nothing(app, ctx, people):
    current = ctx.get(Settings, 1).current_year
    before = ({k: identity(v) for k, v in people.items()}, counts())
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (f"those last registered in {current - 2}-{current - 1} or before, with no contract left, "
            "are anonymised") in result.output
    lines = [line for line in result.output.splitlines() if "the identity of student" in line]
    assert [line.split("student ")[1].split(" ")[0] for line in lines] == ["90000001", "90000002", "90000003"]
    assert f"(last registered {current - 3}-{current - 2})" in lines[0]
    assert "empties and deactivates their account 'login90000001'; removes 1 referent-teacher assignment" in lines[0]
    assert "unlinks their account 'login90000002', which holds a staff role" in lines[1]
    assert "(no registration)" in lines[2] and f"numbers them ANON-S{people['never_synced']}" in lines[2]
    assert ("Would delete 1 impersonation session(s) ended before" in result.output
            and "with their 2 request(s), 1 in-app notification(s) and 1 sync error line(s)" in result.output)
    assert "Would anonymise 3 student identities." in result.output
    ctx.remove()
    assert ({k: identity(v) for k, v in people.items()}, counts()) == before
    assert ctx.scalar(select(func.count()).select_from(RetentionRun)) == 0


def test_a_student_gone_keeps_nothing_personal_and_their_registrations_still_count(app, ctx, people):
    gone = ctx.get(Student, people["gone"])
    user_id = gone.user_id
    registrations = [(r.id, r.year, r.programme_id, r.regime_code) for r in gone.registrations]
    by_year = dict(ctx.execute(select(Registration.year, func.count()).group_by(Registration.year)).all())
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "Anonymised 3 student identities." in result.output
    ctx.remove()
    number = f"ANON-S{people['gone']}"
    assert identity(people["gone"]) == (number, None, "", "", None, None, None, None, None)
    assert [(r.id, r.year, r.programme_id, r.regime_code) for r in ctx.get(Student, people["gone"]).registrations] == registrations
    assert dict(ctx.execute(select(Registration.year, func.count()).group_by(Registration.year)).all()) == by_year
    assert ctx.scalar(select(func.count()).select_from(TeacherAssignment)
                      .where(TeacherAssignment.student_id == people["gone"])) == 0
    assert account(user_id) == (f"anonymised-{user_id}", "", "", f"anonymised-{user_id}@invalid", True, False, [])
    for model in (UserLanguage, NoticeSeen, RoleSource):
        assert ctx.scalar(select(func.count()).select_from(model).where(model.user_id == user_id)) == 0
    assert ctx.scalars(select(OutboxMessage).where(OutboxMessage.subject == "Votre contrat est signé")).all() == []
    # Their contract went in the same run: it belongs to a placeholder of its own.
    assert ctx.scalar(select(func.count()).select_from(Contract).where(Contract.student_id == people["gone"])) == 0


def test_an_account_holding_a_staff_role_is_only_unlinked(app, ctx, people):
    user_id = ctx.get(Student, people["gone_staff"]).user_id
    ctx.add(OutboxMessage(kind="digest", to_address="teacher@univ.example", to_user_id=user_id, subject="Digest",
                          body_text="2 contracts", body_html="<p>2 contracts</p>", status="sent"))
    ctx.commit()
    before = account(user_id)
    retention.run_retention("command")
    ctx.remove()
    assert identity(people["gone_staff"])[0] == f"ANON-S{people['gone_staff']}"
    assert ctx.get(Student, people["gone_staff"]).user_id is None
    assert account(user_id) == before and before[0] == "login90000002"
    # What was sent to them as staff stays; what went to their student address is emptied.
    assert ctx.scalars(select(OutboxMessage.to_address).where(OutboxMessage.to_user_id == user_id)).all() == [
        "teacher@univ.example"]


def test_students_still_needed_are_kept_as_they_are(app, ctx, people):
    kept = ("last_year", "contract_kept", "synced_now")
    before = {k: identity(people[k]) for k in kept}
    demo = {s.id: identity(s.id) for s in ctx.scalars(select(Student).where(Student.id.not_in(people.values())))}
    retention.run_retention("command")
    ctx.remove()
    assert {k: identity(people[k]) for k in kept} == before
    assert {sid: identity(sid) for sid in demo} == demo  # the demo's students are all registered this year


def test_old_impersonation_records_notifications_and_sync_errors_go_recent_ones_stay(app, ctx, people):
    sessions, requests, notifications, errors, runs = counts()
    retention.run_retention("command")
    ctx.remove()
    assert counts() == [sessions - 1, requests - 2, notifications - 1, errors - 1, runs]
    limit = utcnow() - timedelta(days=365)
    assert ctx.scalar(select(func.min(ImpersonationSession.ended_at))) > limit
    assert ctx.scalar(select(func.min(Notification.created_at))) > limit
    assert ctx.scalar(select(func.count()).select_from(SyncError).join(SyncRun)
                      .where(SyncRun.started_at < limit)) == 0


def test_a_second_run_changes_nothing_and_each_run_is_recorded(app, ctx, people):
    retention.run_retention("command")
    after_first = ({k: identity(v) for k, v in people.items()}, counts())
    retention.run_retention("job")
    ctx.remove()
    assert ({k: identity(v) for k, v in people.items()}, counts()) == after_first
    current = ctx.get(Settings, 1).current_year
    runs = ctx.scalars(select(RetentionRun).order_by(RetentionRun.id)).all()
    assert [(r.identities_last_year, r.identities_anonymised, r.impersonations_deleted,
             r.impersonation_requests_deleted, r.notifications_deleted, r.sync_errors_deleted) for r in runs] == [
        (current - 2, 3, 1, 2, 1, 1), (current - 2, 0, 0, 0, 0, 0)]
    assert all(r.logs_before is not None for r in runs)


def test_the_periods_are_settings(app, ctx, people):
    settings = ctx.get(Settings, 1)
    settings.identity_retention_years, settings.personal_log_retention_months = 3, 24
    ctx.commit()
    result, _ = retention.run_retention("command", dry_run=True)
    assert [d.student_number for d in result.identities] == ["90000003"]  # registered 3 years ago: kept
    assert result.logs == {"impersonations": 0, "impersonation_requests": 0, "notifications": 0, "sync_errors": 0}


def test_the_settings_page_offers_both_periods(app, login):
    page = login("admin").get("/settingsview/edit/1").get_data(as_text=True)
    assert "Students no longer registered kept (years)" in page and "Other personal logs kept (months)" in page


def test_the_periods_travel_in_the_settings_file_and_an_older_file_without_them_still_imports(app, tmp_path):
    import json

    def run(*args):
        result = app.test_cli_runner().invoke(args=["settings", *args])
        assert result.exit_code == 0, result.output
        return result.output

    data = json.loads(run("export"))
    assert (data["settings"]["identity_retention_years"], data["settings"]["personal_log_retention_months"]) == (1, 12)
    data["settings"]["identity_retention_years"] = 2
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "Would change: settings: identity_retention_years 1 → 2" in run("import", str(path), "--dry-run").splitlines()
    for name in ("identity_retention_years", "personal_log_retention_months"):
        del data["settings"][name]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run("import", str(path), "--dry-run") == "Nothing to change: this installation already has these settings.\n"
