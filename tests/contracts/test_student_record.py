"""The staff page of a student: scoped by the policy, registrations only for those who may see them."""
import pytest
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Student
from tests.contracts.access import STUDENT_ACCOUNT


def contract_ids(app, student_id):
    with app.app_context():
        return set(db.session.scalars(select(Contract.id).where(Contract.student_id == student_id)))


def test_every_contract_of_every_year_with_registrations(app, login):
    with app.app_context():
        student = db.session.scalar(select(Student).join(Contract).where(Contract.year < 2100)
                                    .group_by(Student.id).having(db.func.count(Contract.id) > 1).order_by(Student.id))
        pk, number = student.id, student.student_number
    page = login("referent").get(f"/students/{pk}").get_data(as_text=True)
    assert number in page
    for contract_id in contract_ids(app, pk):
        assert f"/contracts/show/{contract_id}" in page
    assert 'id="s-registrations"' in page


def test_teachers_see_the_contracts_but_not_the_registrations(app, login):
    page = login("teacher").get(f"/students/{STUDENT_ACCOUNT}").get_data(as_text=True)
    assert 'id="s-contracts"' in page and 'id="s-registrations"' not in page


def test_a_detu_sees_only_the_contracts_of_their_programmes(app, login):
    with app.app_context():
        student = db.session.get(Student, STUDENT_ACCOUNT)
        mine = {c.id for c in db.session.scalars(select(Contract).where(Contract.student_id == student.id))
                if c.programme.step_code in ("L1MATH", "L2MATH")}
    page = login("detu").get(f"/students/{STUDENT_ACCOUNT}").get_data(as_text=True)
    assert {int(i) for i in __import__("re").findall(r"/contracts/show/(\d+)", page)} == mine


@pytest.mark.parametrize("username", ["detu", "registrar"])
def test_students_out_of_scope_are_not_found(app, login, username):
    with app.app_context():
        outside = db.session.scalar(select(Student.id).where(Student.last_name.is_not(None))
                                    .order_by(Student.id.desc()))  # a Lettres student of the demo
    assert login(username).get(f"/students/{outside}").status_code == 404
    assert login("referent").get(f"/students/{outside}").status_code == 200


def test_the_contract_page_links_to_the_students_page(app, login):
    with app.app_context():
        pk = db.session.scalar(select(Contract.id).where(Contract.student_id == STUDENT_ACCOUNT))
    assert f"/students/{STUDENT_ACCOUNT}" in login("detu").get(f"/contracts/show/{pk}").get_data(as_text=True)
