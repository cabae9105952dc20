"""The read log as the data protection officer uses it: filters by student and by reader, CSV export."""
import csv
import io

from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Student, TeacherAssignment
from tests.privacy.conftest import own_contract_id, user_id

APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}


def _some_reads(app, login):
    """detu reads `student`'s contract; teacher reads it and `student2`'s neighbour; admin acts as detu."""
    mine = own_contract_id(app, "student")
    detu = login("detu")
    detu.get(f"/contracts/show/{mine}")
    login("teacher").get(f"/contracts/{mine}/pdf")
    with app.app_context():
        teacher = app.appbuilder.sm.find_user(username="teacher")
        other = db.session.scalar(
            select(Contract.id).join(Student, Contract.student_id == Student.id)
            .where(Contract.student_id.in_(select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == teacher.id)),
                   Contract.id != mine, Student.user_id.is_not(None))
            .order_by(Contract.id)
        )
        number = db.session.scalar(select(Student.student_number).join(Contract).where(Contract.id == mine))
    login("teacher").get(f"/contracts/show/{other}")
    return mine, other, number


def _csv(response):
    text = response.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_dpo_lands_on_the_log_and_filters_it_by_student_and_by_reader(app, login):
    mine, other, number = _some_reads(app, login)
    dpo = login("dpo")
    assert dpo.get("/").headers["Location"].endswith("/privacy/reads/")
    everything = dpo.get("/privacy/reads/").get_data(as_text=True)
    assert "3 reads" in everything
    by_student = dpo.get(f"/privacy/reads/?student={number}").get_data(as_text=True)
    assert "2 reads" in by_student and "Martin Camille" in by_student
    by_name = dpo.get("/privacy/reads/?student=martin camille").get_data(as_text=True)
    assert "2 reads" in by_name
    by_reader = dpo.get("/privacy/reads/?reader=teacher").get_data(as_text=True)
    assert "2 reads" in by_reader and "Denise" not in by_reader
    assert "1 read" in dpo.get("/privacy/reads/?reader=teacher&channel=pdf").get_data(as_text=True)


def test_the_export_holds_exactly_the_filtered_lines(app, login):
    mine, other, number = _some_reads(app, login)
    response = login("dpo").get("/privacy/reads/export.csv?reader=teacher")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = _csv(response)
    assert sorted(int(r["Contract id"]) for r in rows) == sorted([mine, other])
    assert {r["Reader (login)"] for r in rows} == {"teacher"}
    assert {r["Through"] for r in rows} == {"PDF", "Contract page"}
    line = next(r for r in rows if int(r["Contract id"]) == mine)
    assert (line["Student number"], line["Student"]) == (number, "Martin Camille")


def test_acting_as_someone_shows_both_people(app, login):
    mine = own_contract_id(app, "student")
    admin = login("admin")
    admin.post("/impersonation/start", data={"user_id": user_id(app, "detu")})
    admin.get(f"/contracts/show/{mine}")
    admin.post("/impersonation/stop")
    rows = _csv(login("dpo").get("/privacy/reads/export.csv?reader=admin"))
    assert [(r["Reader (login)"], r["Acting as (login)"]) for r in rows] == [("admin", "detu")]
    # Searching for the account acted as finds the line too.
    assert len(_csv(login("dpo").get("/privacy/reads/export.csv?reader=detu"))) == 1


def test_bad_filters_are_reported_not_fatal(app, login):
    response = login("dpo").get("/privacy/reads/?since=yesterday&channel=fax&page=-3")
    assert response.status_code == 200
    assert "were ignored: since, channel" in response.get_data(as_text=True)


def test_a_formula_typed_in_a_name_stays_text_in_the_export(app, login):
    mine = own_contract_id(app, "student")
    with app.app_context():
        student = db.session.scalar(select(Student).join(Student.user).where(Student.user.has(username="student")))
        student.last_name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    login("detu").get(f"/contracts/show/{mine}")
    rows = _csv(login("dpo").get("/privacy/reads/export.csv"))
    assert rows[0]["Student"].startswith("'=HYPERLINK")


def test_the_runs_of_the_retention_job_are_shown(app, login):
    from app.privacy import retention

    assert "The retention job has not run yet." in login("dpo").get("/privacy/reads/").get_data(as_text=True)
    with app.test_request_context():
        retention.run_retention("command")
    page = login("dpo").get("/privacy/reads/").get_data(as_text=True)
    assert "the command line" in page and "kept 5 years" in page
