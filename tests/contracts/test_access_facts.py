"""The access table (tests/contracts/access.py) names the `student` account's student by id."""
from sqlalchemy import select

from app.extensions import db
from app.people.models import Student
from tests.contracts.access import STUDENT_ACCOUNT


def test_the_access_table_student_is_the_student_account(app):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="student")
        assert db.session.scalar(select(Student.id).where(Student.user_id == user.id)) == STUDENT_ACCOUNT
