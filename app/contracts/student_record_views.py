"""The staff page of a student: identity, registrations, every contract of every year.

Who may open it and what it shows come from ``app.policy``: the students of the contracts one may
read (and a DETU's or registrar's registered students, a teacher's followed ones); registrations
only for those who may see Apogée's record; only the contracts one may read.
"""
from flask import abort, g
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import policy
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme, Registration


class StudentRecordView(BaseView):
    route_base = "/students"
    method_permission_name = {"record": "read"}

    @expose("/<int:pk>")
    @has_access
    def record(self, pk):
        student = policy.read_student(g.user, pk)
        if student is None:
            abort(404)
        contracts = db.session.scalars(
            policy.contracts_query(g.user).where(Contract.student_id == student.id)
            .options(joinedload(Contract.programme).joinedload(Programme.faculty))
            .order_by(Contract.year.desc(), Contract.kind)
        ).all()
        registrations = None
        if policy.sees_record_of(g.user, student):
            registrations = db.session.scalars(
                select(Registration).where(Registration.student_id == student.id)
                .order_by(Registration.year.desc(), Registration.is_primary.desc())
            ).all()
        return self.render_template("contracts/student.html", student=student, contracts=contracts,
                                    registrations=registrations)
