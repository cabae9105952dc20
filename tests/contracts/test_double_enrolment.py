"""A second contract for the second programme of a double enrolment (V3), when the settings allow it."""
from sqlalchemy import select

from app.catalog.models import Settings
from app.contracts.models import DOUBLE, Contract
from app.extensions import db
from app.people.models import Student


def contracts_of(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        student = db.session.scalar(select(Student).where(Student.user_id == user.id))
        return {c.kind: (c.id, c.programme.step_code, c.status)
                for c in db.session.scalars(select(Contract).where(Contract.student_id == student.id))}


def start(client, kind):
    return client.post("/my/contract/", data={"action": "start", "kind": kind})


def test_the_second_programme_gets_its_own_contract_signed_by_its_detu(app, login):
    client = login("student2")
    assert start(client, "initial").status_code == 302
    page = client.get("/my/contract/").get_data(as_text=True)
    assert 'value="double"' in page
    assert start(client, "double").status_code == 302
    contracts = contracts_of(app, "student2")
    assert contracts["initial"][1] == "L1MATH" and contracts[DOUBLE][1] == "L1LETM"
    double_id = contracts[DOUBLE][0]
    assert client.post("/my/contract/", data={"action": "validate", "kind": "double", "study_plan": "Lettres aussi.",
                                              "charter_accepted": "on", "version": _version(app, double_id)}).status_code == 302
    assert login("detu").post(f"/contracts/{double_id}/sign", data={"confirmed": "yes"}).status_code == 404
    assert login("detu2").post(f"/contracts/{double_id}/sign", data={"confirmed": "yes"}).status_code == 302
    after = contracts_of(app, "student2")
    assert after[DOUBLE][2] == "signed" and after["initial"][2] == "draft"  # independent


def _version(app, pk):
    with app.app_context():
        return db.session.get(Contract, pk).version


def test_no_second_contract_when_the_settings_do_not_allow_it(app, login):
    with app.app_context():
        db.session.get(Settings, 1).double_enrolment_contracts = False
        db.session.commit()
    client = login("student2")
    start(client, "initial")
    assert 'value="double"' not in client.get("/my/contract/").get_data(as_text=True)
    assert start(client, "double").status_code == 409
    assert DOUBLE not in contracts_of(app, "student2")


def test_a_student_without_a_double_enrolment_cannot_start_one(app, login):
    client = login("student")  # a reorientation registration is not a double enrolment
    assert start(client, "double").status_code == 409
    assert DOUBLE not in contracts_of(app, "student")
