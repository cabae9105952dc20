"""Retention on a built history: exactly the free texts and the links to people go, statistics stay,
a second run changes nothing, each run is recorded, old read-log lines are deleted."""
import pytest
from sqlalchemy import func, inspect, select

from app.catalog.models import Accommodation, Settings
from app.contracts.models import (
    AdvanceCourse,
    Contract,
    ContractAccommodation,
    ContractEvent,
    ContractRemediation,
)
from app.extensions import db
from app.notify.models import OutboxMessage
from app.people.models import Registration, Student
from app.privacy import retention
from app.privacy.models import ContractRead, RetentionRun
from tests.privacy import history

APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}

KEPT_COLUMNS = (
    "id", "programme_id", "registration_id", "year", "kind", "status", "gap_year", "second_programme_from_sis", "pec_acknowledged",
    "charter_accepted", "charter_accepted_at", "charter_version_id", "support_hours", "submitted_at", "submitted_hash",
    "signed_at", "signed_hash", "comment_at", "created_at", "updated_at",
)


def row(model_object):
    return {c.key: getattr(model_object, c.key) for c in inspect(model_object).mapper.column_attrs}


def snapshot(ids):
    """Every stored value of these contracts and of what hangs on them."""
    db.session.expire_all()
    contracts = {c.id: row(c) for c in db.session.scalars(select(Contract).where(Contract.id.in_(ids))).unique()}
    children = [
        sorted((row(x) for x in db.session.scalars(select(model).where(model.contract_id.in_(ids))).unique()),
               key=lambda r: r["id"])
        for model in (ContractAccommodation, ContractRemediation, AdvanceCourse, ContractEvent, OutboxMessage)
    ]
    return contracts, children


def statistics():
    """What reports count: contracts by year, programme, kind and status; needs, remediations and hours; dates."""
    def rows(query):
        return sorted((tuple(r) for r in db.session.execute(query).all()), key=repr)

    return (
        rows(select(Contract.year, Contract.programme_id, Contract.kind, Contract.status, func.count())
             .group_by(Contract.year, Contract.programme_id, Contract.kind, Contract.status)),
        rows(select(Contract.year, Accommodation.code, func.count(), func.sum(ContractAccommodation.hours))
             .join(ContractAccommodation, ContractAccommodation.contract_id == Contract.id)
             .join(Accommodation, ContractAccommodation.accommodation_id == Accommodation.id)
             .group_by(Contract.year, Accommodation.code)),
        rows(select(Contract.year, ContractRemediation.remediation_id, func.count(), func.sum(ContractRemediation.hours))
             .join(ContractRemediation, ContractRemediation.contract_id == Contract.id)
             .group_by(Contract.year, ContractRemediation.remediation_id)),
        rows(select(Contract.year, func.sum(Contract.support_hours), func.min(Contract.signed_at),
                    func.max(Contract.submitted_at), func.sum(AdvanceCourse.ects))
             .outerjoin(AdvanceCourse, AdvanceCourse.contract_id == Contract.id).group_by(Contract.year)),
        rows(select(ContractEvent.from_status, ContractEvent.to_status, ContractEvent.at)),
    )


def main_of(response):
    text = response.get_data(as_text=True)
    return text[text.index("<main"):text.index("</main>")]


@pytest.fixture
def built(app, ctx):
    made = history.build(app)
    due = made[7] + made[6]
    history.add_reads(app, due[:2] + made[5][:1], days_ago=400)  # older than the 12 months kept
    history.add_reads(app, due[:1] + made[5][:1], days_ago=30)
    return due, made[5]


def test_a_dry_run_prints_what_it_would_change_and_changes_nothing(app, ctx, built):
    due, kept = built
    before = snapshot(due + kept), ctx.scalar(select(func.count()).select_from(ContractRead))
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for contract_id in due:
        line = next(l for l in lines if l.startswith(f"Would anonymise contract {contract_id} "))
        assert "empties study plan, needs details, gap year details, second programme label" in line
        assert "comment, returned reason; 1 reason(s) in its history" in line
    assert not any(f"contract {k} " in result.output for k in kept)
    assert "Would delete 3 read-log line(s)" in result.output
    assert f"Dry run: {len(due)} contract(s) would be anonymised; nothing was changed." in result.output
    ctx.remove()
    assert (snapshot(due + kept), ctx.scalar(select(func.count()).select_from(ContractRead))) == before
    assert ctx.scalar(select(func.count()).select_from(RetentionRun)) == 0


def test_the_run_empties_exactly_the_free_texts_and_cuts_the_links(app, ctx, built):
    due, kept = built
    before_contracts, before_children = snapshot(due + kept)
    stats = statistics()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert f"Done: {len(due)} contract(s) anonymised, 3 read-log line(s) deleted" in result.output
    after_contracts, after_children = snapshot(due + kept)

    for contract_id in due:
        was, now = before_contracts[contract_id], after_contracts[contract_id]
        assert {k: now[k] for k in KEPT_COLUMNS} == {k: was[k] for k in KEPT_COLUMNS}
        assert {k: now[k] for k in history.TEXTS} == dict({k: "" for k in history.TEXTS}, second_programme_label="—")
        assert (now["returned_reason"], now["signed_by_id"], now["comment_by_id"]) == (None,) * 3
        assert now["anonymised_at"] is not None
        # The contract and its registration belong to a placeholder with nothing personal.
        placeholder = ctx.get(Student, now["student_id"])
        assert row(placeholder) == dict(row(placeholder), student_number=f"ANON-{contract_id}", ine=None,
                                        last_name="", first_name="", birth_date=None, email=None,
                                        directory_login=None, user_id=None)
        assert ctx.get(Registration, now["registration_id"]).student_id == placeholder.id != was["student_id"]
    for contract_id in kept:
        assert after_contracts[contract_id] == before_contracts[contract_id]

    needs, remediations, courses, events, mails = after_children
    old_needs, old_remediations, old_courses, old_events, old_mails = before_children
    assert needs == old_needs and remediations == old_remediations  # codes and hours kept
    for was, now in zip(old_courses, courses):
        assert (now["code"], now["ects"], now["label"]) == (was["code"], was["ects"], "" if was["contract_id"] in due else was["label"])
    for was, now in zip(old_events, events):
        assert (now["from_status"], now["to_status"], now["at"], now["content_hash"]) == (
            was["from_status"], was["to_status"], was["at"], was["content_hash"])
        if was["contract_id"] in due:
            assert (now["reason"], now["actor_id"], now["impersonator_id"]) == (None, None, None)
        else:
            assert now == was
    for was, now in zip(old_mails, mails):
        if was["contract_id"] in due:
            assert (now["subject"], now["body_text"], now["body_html"], now["to_address"], now["to_user_id"]) == ("",) * 4 + (None,)
            assert (now["sent_at"], now["status"], now["kind"]) == (was["sent_at"], was["status"], was["kind"])
        else:
            assert now == was
    assert statistics() == stats


def test_nothing_else_is_deleted_and_recent_reads_stay(app, ctx, built):
    due, kept = built
    tables = (Student, Registration, Contract, ContractEvent, OutboxMessage)
    counts = [ctx.scalar(select(func.count()).select_from(m)) for m in tables]
    retention.run_retention("command")
    ctx.remove()
    placeholders = len(due)  # one new row per anonymised contract, nothing deleted
    assert [ctx.scalar(select(func.count()).select_from(m)) for m in tables] == [counts[0] + placeholders] + counts[1:]
    assert sorted(ctx.scalars(select(ContractRead.contract_id)).all()) == sorted(due[:1] + kept[:1])


def test_a_second_run_changes_nothing_and_both_runs_are_recorded(app, ctx, built):
    due, kept = built
    _, first = retention.run_retention("command")
    after_first = snapshot(due + kept)
    _, second = retention.run_retention("job")
    assert snapshot(due + kept) == after_first
    runs = ctx.scalars(select(RetentionRun).order_by(RetentionRun.id)).all()
    current = ctx.get(Settings, 1).current_year
    assert [(r.trigger, r.retention_years, r.last_year_anonymised, r.contracts_anonymised, r.reads_deleted) for r in runs] == [
        ("command", 5, current - 6, len(due), 3), ("job", 5, current - 6, 0, 0)]
    assert all(r.finished_at is not None for r in runs)


def test_the_retention_period_is_a_setting(app, ctx, built):
    due, kept = built
    ctx.get(Settings, 1).retention_years = 6
    ctx.commit()
    result, _ = retention.run_retention("command", dry_run=True)
    assert sorted(d.id for d in result.contracts) == sorted(due[:3])  # only the 7-year-old ones


def test_an_anonymised_contract_is_never_read_again_but_still_counted(app, login):
    # Requests run outside any context of the test's own (they would share its session).
    with app.test_request_context():
        due = history.build(app, ages=(7,))[7]
        year = db.session.get(Contract, due[0]).year
    reports = ("progress", "needs", "support", "profiles", "trends")
    before = {name: main_of(login("admin").get(f"/reports/{name}/?year={year}")) for name in reports}
    before["dashboard"] = main_of(login("admin").get(f"/contracts/dashboard/?year={year}"))
    assert "Working student" in before["needs"] and f"{year}-{year + 1}" in before["needs"]
    with app.test_request_context():
        retention.run_retention("command")
    admin = login("admin")
    assert admin.get(f"/contracts/show/{due[0]}").status_code == 404
    assert admin.get(f"/contracts/{due[0]}/pdf").status_code == 404
    assert admin.get(f"/api/v1/contracts/{due[0]}").status_code == 404
    assert "0 contracts" in admin.get(f"/contracts/list/?year={year}").get_data(as_text=True)
    for name in reports:
        assert main_of(admin.get(f"/reports/{name}/?year={year}")) == before[name], name
    assert main_of(admin.get(f"/contracts/dashboard/?year={year}")) == before["dashboard"]


def test_no_pdf_is_ever_rendered_for_an_anonymised_contract(app, ctx):
    from app.documents import pdf

    made = history.build(app, ages=(7,))
    retention.run_retention("command")
    with pytest.raises(pdf.Anonymised):
        pdf.contract_html(ctx.get(Contract, made[7][0]))


def test_a_new_contract_does_not_carry_over_from_an_anonymised_one(app, ctx, users):
    """The link to the student is cut: an old study plan cannot come back through carry-over."""
    from app.contracts import workflow
    from app.people.models import Student

    history.build(app, ages=(7,))
    student2 = ctx.scalar(select(Student).where(Student.user_id == users["student2"].id))
    current = ctx.get(Settings, 1).current_year
    assert workflow.previous_contract(student2, current).study_plan == history.TEXTS["study_plan"]
    retention.run_retention("command")
    assert workflow.previous_contract(student2, current) is None
    ctx.refresh(student2)
    contract = workflow.start_contract(student2, current, "initial", users["student2"])
    assert (contract.study_plan, contract.needs_details, contract.accommodations) == ("", "", [])


def test_the_job_is_registered_with_its_cron_setting(app):
    from app.jobs.registry import registered_jobs

    job = next(j for j in registered_jobs() if j.id == "retention")
    assert job.cron_setting == "RETENTION_CRON" and app.config["RETENTION_CRON"]


@pytest.mark.parametrize("today, years, last", [
    ("2026-08-31", 5, 2019), ("2026-09-01", 5, 2020), ("2027-01-15", 1, 2024),
])
def test_the_last_year_anonymised(today, years, last):
    from datetime import date

    assert retention.last_year_kept_in_full(date.fromisoformat(today), years) == last


def test_months_before_keeps_the_day_when_it_can():
    from datetime import datetime

    assert retention.months_before(datetime(2026, 3, 31, 4, 0), 1) == datetime(2026, 2, 28, 4, 0)
    assert retention.months_before(datetime(2026, 3, 15), 12) == datetime(2025, 3, 15)


def test_stored_documents_comments_and_notifications_of_an_anonymised_contract_are_emptied(app, ctx, built):
    """What the contracts helper added around a contract holds names and free texts too."""
    due, kept = built
    from app.contracts.models import ContractComment
    from app.notify.models import Notification

    for contract_id in (due[0], kept[0]):
        event = ctx.scalar(select(ContractEvent).where(ContractEvent.contract_id == contract_id).order_by(ContractEvent.id))
        event.document = '{"student": {"name": "Martin Camille"}}'
        ctx.add(ContractComment(contract_id=contract_id, text="Suivi par Mme Durand.", author_id=event.actor_id))
        ctx.add(Notification(user_id=app.appbuilder.sm.find_user(username="detu").id, contract_id=contract_id,
                             event="signed"))
    ctx.commit()
    assert app.test_cli_runner().invoke(args=["retention"]).exit_code == 0
    ctx.expire_all()

    def around(contract_id):
        return (
            [e.document for e in ctx.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract_id))],
            [(c.text, c.author_id) for c in ctx.scalars(select(ContractComment).where(ContractComment.contract_id == contract_id))],
            ctx.scalar(select(func.count(Notification.id)).where(Notification.contract_id == contract_id)),
        )

    documents, comments, notifications = around(due[0])
    assert set(documents) == {None} and comments == [("", None)] and notifications == 0
    documents, comments, notifications = around(kept[0])
    assert any(documents) and comments[0][0] == "Suivi par Mme Durand." and notifications == 1
