"""Long documents off the request: the web answers at once, the scheduler's job makes the file.

Thresholds are lowered so that the demo's contracts are "large": more than 5 rows in an extraction,
more than 2 PDFs in a ZIP.
"""
import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, update

from app.documents import tasks
from app.documents.jobs import write_faculty_exports
from app.documents.models import DONE, FAILED, QUEUED, RUNNING, DocumentTask
from app.extensions import db
from app.people.models import RegistrarAssignment, utcnow
from tests.documents.conftest import programme_id

APP_CONFIG = {"EXPORT_INLINE_ROWS": 5, "BULK_INLINE_PDFS": 2, "BABEL_DEFAULT_LOCALE": "en", "PDF_WORKERS": 1}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def export_dir(app, tmp_path):
    saved = app.config["EXPORT_DIR"]
    app.config["EXPORT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["EXPORT_DIR"] = saved


def task_id(response):
    assert response.status_code == 303, response.status_code
    return int(re.fullmatch(r".*/documents/(\d+)", response.headers["Location"]).group(1))


def run_job(app):
    tasks.tasks_job(app)


def get_task(app, pk):
    with app.app_context():
        return db.session.get(DocumentTask, pk)


def sheet_rows(data):
    book = load_workbook(io.BytesIO(data), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_a_large_extraction_is_prepared_off_the_request(app, login):
    registrar = login("registrar")
    pk = task_id(registrar.get("/exports/faculty/SCI.xlsx?year=all"))
    assert task_id(registrar.get("/exports/faculty/SCI.xlsx?year=all")) == pk  # asked twice, made once
    page = registrar.get(f"/documents/{pk}").get_data(as_text=True)
    assert "Waiting for its turn" in page and "No scheduler process is running" in page
    assert registrar.get(f"/documents/{pk}?format=json").get_json()["status"] == QUEUED
    assert registrar.get(f"/documents/{pk}/file").status_code == 404  # not ready

    run_job(app)
    task = get_task(app, pk)
    assert task.status == DONE and task.done == task.total and task.total > 5
    page = registrar.get(f"/documents/{pk}").get_data(as_text=True)
    assert f"Ready: {task.done} contracts." in page and f"/documents/{pk}/file" in page
    answer = registrar.get(f"/documents/{pk}/file")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert "contrats-SCI-toutes-annees.xlsx" in answer.headers["Content-Disposition"]
    rows = sheet_rows(answer.data)
    assert rows[0][0] == "Contract id" and len(rows) - 1 == task.done  # in the user's language
    # The same extraction made at once (threshold raised) holds the same contracts.
    app.config["EXPORT_INLINE_ROWS"] = 10000
    try:
        inline = registrar.get("/exports/faculty/SCI.xlsx?year=all")
    finally:
        app.config["EXPORT_INLINE_ROWS"] = 5
    assert inline.status_code == 200 and sorted(r[0] for r in sheet_rows(inline.data)[1:]) == sorted(r[0] for r in rows[1:])
    for other in ("referent", "detu", "admin"):  # a prepared document is its owner's alone
        client = login(other)
        assert client.get(f"/documents/{pk}").status_code == 404
        assert client.get(f"/documents/{pk}/file").status_code == 404


def test_a_zip_of_many_pdfs_is_prepared_then_downloaded(app, login):
    detu = login("detu")
    with app.app_context():
        l1math = programme_id("L1MATH")
    page = detu.get(f"/contracts/bulk/?programme={l1math}").get_data(as_text=True)
    assert 'id="bulk-prepare"' in page and 'id="bulk-download"' not in page
    pk = task_id(detu.get(f"/contracts/bulk.zip?programme={l1math}"))
    run_job(app)
    task = get_task(app, pk)
    assert task.status == DONE, task.error
    archive = zipfile.ZipFile(io.BytesIO(detu.get(f"/documents/{pk}/file").data))
    assert len(archive.namelist()) == task.total > 2
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_the_list_export_is_prepared_when_large_and_immediate_when_small(app, login):
    detu = login("detu")
    pk = task_id(detu.get("/contracts/export.xlsx"))
    run_job(app)
    assert get_task(app, pk).status == DONE
    small = detu.get("/contracts/export.xlsx?status=returned")
    assert small.status_code == 200 and small.mimetype.endswith("spreadsheetml.sheet")


def test_rights_are_checked_again_when_the_task_runs(app, login):
    registrar = login("registrar")
    pk = task_id(registrar.get("/exports/faculty/SCI.xlsx?year=all"))
    with app.app_context():
        db.session.execute(delete(RegistrarAssignment))  # the registrar left the faculty meanwhile
        db.session.commit()
    run_job(app)
    task = get_task(app, pk)
    assert task.status == FAILED and "no longer extract" in task.error
    assert "no longer extract" in registrar.get(f"/documents/{pk}").get_data(as_text=True)
    assert registrar.get(f"/documents/{pk}/file").status_code == 404
    assert not os.listdir(os.path.join(app.config["EXPORT_DIR"], "tasks"))


def test_a_task_left_running_by_a_dead_process_is_made_again(app, login):
    pk = task_id(login("registrar").get("/exports/faculty/SCI.xlsx?year=all"))
    with app.app_context():  # claimed by a scheduler that died without a word
        db.session.execute(update(DocumentTask).values(status=RUNNING, attempts=1,
                                                       heartbeat_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    run_job(app)
    task = get_task(app, pk)
    assert task.status == DONE and task.attempts == 2


def test_prepared_files_expire(app, login):
    registrar = login("registrar")
    pk = task_id(registrar.get("/exports/faculty/SCI.xlsx?year=all"))
    run_job(app)
    with app.app_context():
        path = tasks.file_path(db.session.get(DocumentTask, pk))
        assert os.path.exists(path)
        db.session.execute(update(DocumentTask).values(finished_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    run_job(app)
    assert get_task(app, pk) is None and not os.path.exists(path)
    assert registrar.get(f"/documents/{pk}").status_code == 404


def test_last_nights_file_is_served_at_once(app, login, export_dir):
    with app.test_request_context():
        written = write_faculty_exports()
    sci = next(p for p in written if "-SCI-" in os.path.basename(p))
    registrar = login("registrar")
    assert "/exports/faculty/SCI/nightly.xlsx" in registrar.get("/exports/").get_data(as_text=True)
    answer = registrar.get("/exports/faculty/SCI/nightly.xlsx")
    assert answer.status_code == 200 and answer.data == open(sci, "rb").read()
    assert registrar.get("/exports/faculty/LET/nightly.xlsx").status_code == 404  # not their faculty
    assert login("referent").get("/exports/faculty/LET/nightly.xlsx").status_code == 200


def test_the_scheduler_process_makes_the_document(app, login):
    """A real ``flask --app run scheduler`` runs the job; the web side only queued the task."""
    env = dict(os.environ, CONPERE_CONFIG="test", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               EXPORT_DIR=app.config["EXPORT_DIR"], DOCUMENT_TASKS_CRON="* * * * * *", OUTBOX_CRON="off",
               DIGEST_CRON="off", REMINDER_CRON="off", EXPORT_CRON="off", SYNC_CRON="off", PDF_WORKERS="1")
    env.pop("TEST_DATABASE_URL", None)
    pk = task_id(login("registrar").get("/exports/faculty/SCI.xlsx?year=all"))
    scheduler = subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", "scheduler"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # a busy machine starts a process slowly
        while time.monotonic() < deadline and get_task(app, pk).status != DONE:
            time.sleep(0.5)
        assert get_task(app, pk).status == DONE
    finally:
        scheduler.send_signal(signal.SIGTERM)
        scheduler.wait(timeout=60)
    assert login("registrar").get(f"/documents/{pk}/file").status_code == 200


def test_no_task_for_a_bad_request(app, login):
    registrar = login("registrar")
    assert registrar.get("/exports/faculty/SCI.xlsx?year=soon").status_code == 400
    assert registrar.get("/exports/faculty/LET.xlsx?year=all").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(DocumentTask.id)) is None
