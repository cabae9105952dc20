"""The log of staff reads: one line per contract read, for each way of reading, and only those."""
import io
import os

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.privacy.conftest import own_contract_id, programme_contract_ids, programme_id, reads, user_id


def test_the_staff_contract_page_and_the_detu_form_are_recorded(app, login):
    pk = own_contract_id(app, "student")  # L1MATH: detu's programme
    detu = login("detu")
    assert detu.get(f"/contracts/show/{pk}").status_code == 200
    assert detu.get(f"/contracts/edit/{pk}").status_code == 200
    assert reads(app) == [("detu", None, pk, "page"), ("detu", None, pk, "page")]


def test_the_page_shown_again_after_a_refused_change_is_recorded(app, login):
    pk = own_contract_id(app, "student")  # a draft: nothing to sign yet
    detu = login("detu")
    assert detu.get(f"/contracts/show/{pk}").status_code == 200
    answer = detu.post(f"/contracts/{pk}/sign", data={"confirmed": "yes"})
    assert answer.status_code == 403 and reads(app) == [("detu", None, pk, "page"), ("detu", None, pk, "page")]


def test_the_sign_confirmation_shows_the_contract_so_it_is_a_read(app, login):
    from app.contracts.models import Contract
    from app.extensions import db

    with app.app_context():
        pk = db.session.scalar(select(Contract.id).where(Contract.id.in_(programme_contract_ids(app, "L1MATH")),
                                                         Contract.status == "submitted").order_by(Contract.id))
    answer = login("detu").get(f"/contracts/{pk}/sign")
    assert answer.status_code == 200 and "Signer le contrat" in answer.get_data(as_text=True)
    assert reads(app) == [("detu", None, pk, "page")]


def test_the_detu_form_shown_again_is_a_read_each_time(app, login):
    pk = own_contract_id(app, "student")
    detu = login("detu")
    assert detu.get(f"/contracts/edit/{pk}").status_code == 200
    assert detu.post(f"/contracts/edit/{pk}", data={"add_row": "remediations"}).status_code == 200
    assert reads(app) == [("detu", None, pk, "page"), ("detu", None, pk, "page")]


def test_a_refused_read_is_not_recorded(app, login):
    pk = own_contract_id(app, "student")  # not a contract of detu2's programmes
    assert login("detu2").get(f"/contracts/show/{pk}").status_code == 404
    assert login("detu2").get(f"/contracts/{pk}/pdf").status_code == 404
    assert reads(app) == []


def test_a_pdf_is_recorded(app, login):
    pk = own_contract_id(app, "student")
    assert login("teacher").get(f"/contracts/{pk}/pdf").status_code == 200
    assert reads(app) == [("teacher", None, pk, "pdf")]


def test_a_zip_of_pdfs_records_each_contract_in_it(app, login):
    ids = programme_contract_ids(app, "L2MATH")
    response = login("detu").get(f"/contracts/bulk.zip?programme={programme_id(app, 'L2MATH')}&year=all")
    assert response.status_code == 200
    response.close()
    assert sorted(r[2] for r in reads(app)) == ids
    assert {(r[0], r[3]) for r in reads(app)} == {("detu", "zip")}


def test_each_row_of_an_extraction_is_a_read(app, login):
    response = login("registrar").get("/exports/faculty/SCI.xlsx?year=all")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    exported = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    assert exported and sorted(r[2] for r in reads(app)) == exported
    assert {(r[0], r[3]) for r in reads(app)} == {("registrar", "export")}


def test_the_filtered_list_export_records_exactly_its_rows(app, login):
    response = login("detu").get(f"/contracts/export.xlsx?programme={programme_id(app, 'L1MATH')}&status=submitted")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    exported = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    assert exported and sorted(r[2] for r in reads(app)) == exported


@pytest.fixture
def prepared(app, tmp_path):
    """Documents prepared by the scheduler's job: any extraction over 5 rows, any ZIP over 2 PDFs."""
    saved = {k: app.config[k] for k in ("EXPORT_DIR", "EXPORT_KEEP", "EXPORT_INLINE_ROWS", "BULK_INLINE_PDFS",
                                        "PDF_WORKERS")}
    app.config.update(EXPORT_DIR=str(tmp_path), EXPORT_INLINE_ROWS=5, BULK_INLINE_PDFS=2, PDF_WORKERS=1)
    yield
    app.config.update(saved)


def _prepared_file(app, client, url):
    from app.documents import tasks

    answer = client.get(url)
    assert answer.status_code == 303 and reads(app) == []  # queued: nothing read yet
    tasks.tasks_job(app)
    assert reads(app) == []  # made: read when downloaded
    return client.get(answer.headers["Location"] + "/file")


def test_a_prepared_extraction_is_read_when_downloaded_by_whoever_downloads_it(app, login, prepared):
    from app.documents import tasks

    admin = login("admin")
    admin.post("/impersonation/start", data={"user_id": user_id(app, "registrar")})
    queued = admin.get("/exports/faculty/SCI.xlsx?year=all")
    assert queued.status_code == 303
    tasks.tasks_job(app)
    assert reads(app) == []  # made, not yet read by anyone
    answer = admin.get(queued.headers["Location"] + "/file")
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    exported = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    assert len(exported) > 5 and sorted(r[2] for r in reads(app)) == exported
    assert {(r[0], r[1], r[3]) for r in reads(app)} == {("admin", "registrar", "export")}
    # Each download is a read, by whoever downloads it then: here the registrar, in their own session.
    admin.post("/impersonation/stop")
    again = login("registrar")
    again.get("/exports/faculty/SCI.xlsx?year=all")  # the same document, just made: the same task
    assert again.get(queued.headers["Location"] + "/file").status_code == 200
    second = reads(app)[len(exported):]
    assert sorted(r[2] for r in second) == exported and {(r[0], r[1], r[3]) for r in second} == {
        ("registrar", None, "export")}


def test_a_prepared_zip_records_each_contract_in_it(app, login, prepared):
    ids = programme_contract_ids(app, "L1MATH")
    answer = _prepared_file(app, login("detu"), f"/contracts/bulk.zip?programme={programme_id(app, 'L1MATH')}&year=all")
    assert answer.status_code == 200 and len(ids) > 2
    assert sorted(r[2] for r in reads(app)) == ids and {(r[0], r[3]) for r in reads(app)} == {("detu", "zip")}


def _start_contract_of(app, username):
    """A contract started now by a demo student (the current year's, in their primary programme)."""
    from app.catalog.models import Settings
    from app.contracts import workflow
    from app.extensions import db
    from app.people.models import Student

    with app.test_request_context():
        user = app.appbuilder.sm.find_user(username=username)
        student = db.session.scalar(select(Student).where(Student.user_id == user.id))
        contract = workflow.start_contract(student, db.session.get(Settings, 1).current_year, "initial", user)
        return contract.id, contract.programme.faculty.code


def _nightly_ids(answer):
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    return sorted(row[0].value for row in sheet.iter_rows(min_row=2))


def test_downloading_last_nights_file_records_exactly_the_contracts_in_it(app, login, prepared):
    from app.documents.jobs import write_faculty_exports

    with app.test_request_context():
        write_faculty_exports()
    started, faculty = _start_contract_of(app, "student2")  # after the night: not in the file
    assert faculty == "SCI"
    registrar = login("registrar")
    answer = registrar.get("/exports/faculty/SCI/nightly.xlsx")
    assert answer.status_code == 200
    exported = _nightly_ids(answer)
    assert exported and started not in exported
    assert sorted(r[2] for r in reads(app)) == exported
    assert {(r[0], r[1], r[3]) for r in reads(app)} == {("registrar", None, "nightly")}
    assert registrar.get("/exports/faculty/SCI/nightly.xlsx").status_code == 200  # each download is a read
    assert sorted(r[2] for r in reads(app)) == sorted(exported * 2)


def test_a_nightly_file_written_before_its_list_was_kept_is_read_from_the_workbook(app, login, prepared):
    from app.documents.jobs import write_faculty_exports
    from app.privacy.files import ids_path

    with app.test_request_context():
        paths = write_faculty_exports()
    for path in paths:
        os.remove(ids_path(path))
    _start_contract_of(app, "student2")
    answer = login("registrar").get("/exports/faculty/SCI/nightly.xlsx")
    assert sorted(r[2] for r in reads(app)) == _nightly_ids(answer)


def test_the_nightly_lists_go_with_their_files(app, prepared):
    from datetime import datetime, timedelta

    from app.documents.jobs import write_faculty_exports
    from app.privacy.files import ids_path

    app.config["EXPORT_KEEP"], night = 1, datetime(2026, 11, 30, 2, 0)
    with app.test_request_context():
        first = write_faculty_exports(now=night)
        second = write_faculty_exports(now=night + timedelta(days=1))
    assert all(os.path.exists(ids_path(p)) for p in second)
    assert not any(os.path.exists(p) or os.path.exists(ids_path(p)) for p in first)


def test_the_api_records_each_contract_it_answers_with(app, login):
    counsellor = login("counsellor")
    listing = counsellor.get("/api/v1/contracts/?q=(page_size:5)")
    assert listing.status_code == 200
    listed = listing.get_json()["ids"]
    assert len(listed) == 5 and sorted(r[2] for r in reads(app)) == sorted(listed)
    one = counsellor.get(f"/api/v1/contracts/{listed[0]}")
    assert one.status_code == 200
    assert reads(app)[-1] == ("counsellor", None, listed[0], "api")
    assert counsellor.get(f"/api/v1/contracts/{listed[1]}/pdf").status_code == 200
    assert reads(app)[-1] == ("counsellor", None, listed[1], "api")
    assert len(reads(app)) == 7 and {r[3] for r in reads(app)} == {"api"}


def test_a_student_reading_their_own_contract_is_not_recorded(app, login):
    pk = own_contract_id(app, "student")
    student = login("student")
    assert student.get("/my/contract/").status_code == 200
    assert student.get(f"/my/contracts/{pk}").status_code == 200
    assert student.get(f"/contracts/{pk}/pdf").status_code == 200
    assert reads(app) == []


def test_someone_acting_as_the_student_is_recorded_as_themselves_acting_as_the_student(app, login):
    pk = own_contract_id(app, "student")
    referent = login("referent")
    referent.post("/impersonation/start", data={"user_id": user_id(app, "student")})
    assert referent.get("/my/contract/").status_code == 200
    assert referent.get(f"/contracts/{pk}/pdf").status_code == 200
    assert reads(app) == [("referent", "student", pk, "page"), ("referent", "student", pk, "pdf")]


def test_someone_acting_as_a_detu_is_recorded_with_both(app, login):
    pk = own_contract_id(app, "student")
    admin = login("admin")
    admin.post("/impersonation/start", data={"user_id": user_id(app, "detu")})
    assert admin.get(f"/contracts/show/{pk}").status_code == 200
    assert reads(app) == [("admin", "detu", pk, "page")]


def test_the_log_is_append_only(app, ctx):
    from sqlalchemy import select

    from app.privacy.models import ContractRead
    from app.privacy.reads import record_reads

    with app.test_request_context():
        user = app.appbuilder.sm.find_user(username="detu")
        record_reads([own_contract_id(app, "student")], "page", user=user, impersonator=None)
    row = ctx.scalar(select(ContractRead))
    row.channel = "pdf"
    with pytest.raises(ValueError, match="append-only"):
        ctx.commit()
    ctx.rollback()
    ctx.delete(ctx.scalar(select(ContractRead)))
    with pytest.raises(ValueError, match="append-only"):
        ctx.commit()


def test_the_lists_bulk_actions_record_each_selected_contract(app, login):
    """The contract list's FAB actions (ZIP of PDFs, Excel) are reads like the other exports."""
    chosen = programme_contract_ids(app, "L1MATH")[:3]
    detu = login("detu")
    for name, channel in (("pdfs_selected", "zip"), ("export_selected", "export")):
        response = detu.post("/contracts/action_post", data={"action": name, "rowid": [str(pk) for pk in chosen]})
        assert response.status_code == 200
        response.close()
        assert sorted(r[2] for r in reads(app) if r[3] == channel) == chosen
