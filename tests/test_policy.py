"""The access policy called directly: its SQL rule against the assignments read plainly in Python.

The lists, the by-id reads and the reports all use ``policy``'s SQL conditions; here each demo
account's readable contracts are computed a second way, from the assignment rows themselves, and
both must agree on every contract of the demo. The access matrix checks the pages; this checks the
rule they share.
"""
import pytest
from sqlalchemy import select

ACCOUNTS = ("student", "student2", "detu", "detu2", "teacher", "counsellor", "registrar", "referent", "admin")


def expected_readable(user, contracts):
    """Who reads what, as DESIGN.md says it, from the assignment rows (no policy code)."""
    from app import roles as R
    from app.extensions import db
    from app.people.models import DetuAssignment, Programme, RegistrarAssignment, TeacherAssignment

    roles = {role.name for role in user.roles}
    if roles & {R.ADMIN, R.REFERENT, R.COUNSELLOR}:
        return {c.id for c in contracts}
    detu = set(db.session.scalars(select(DetuAssignment.programme_id).where(DetuAssignment.user_id == user.id)))
    taught = set(db.session.scalars(select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == user.id)))
    faculties = set(db.session.scalars(
        select(RegistrarAssignment.faculty_id).where(RegistrarAssignment.user_id == user.id)))
    registrar = set(db.session.scalars(select(Programme.id).where(Programme.faculty_id.in_(faculties))))
    return {
        c.id for c in contracts
        if (R.STUDENT in roles and c.student.user_id == user.id)
        or (R.DETU in roles and c.programme_id in detu)
        or (R.TEACHER in roles and c.student_id in taught)
        or (R.REGISTRAR in roles and c.programme_id in registrar)
    }


@pytest.mark.parametrize("username", ACCOUNTS)
def test_the_list_rule_and_the_by_id_read_agree_with_the_assignments(ctx, users, username):
    from app import policy
    from app.contracts.models import Contract

    user = users[username]
    contracts = ctx.scalars(select(Contract)).all()
    listed = {c.id for c in ctx.scalars(policy.contracts_query(user))}
    by_id = {c.id for c in contracts if policy.readable_contract(user, c.id) is not None}
    assert listed == by_id == expected_readable(user, contracts)
    assert set(policy.readable_contracts(user, [c.id for c in contracts])) == listed


def test_every_role_of_the_demo_reads_something_and_nobody_reads_everything_but_the_wide_roles(ctx, users):
    from app import policy
    from app.contracts.models import Contract

    total = len(ctx.scalars(select(Contract.id)).all())
    seen = {name: len(ctx.scalars(policy.contracts_query(users[name])).all()) for name in ACCOUNTS}
    assert all(seen[name] > 0 for name in ACCOUNTS if name != "student2"), seen  # student2: no contract yet
    assert {name for name, n in seen.items() if n == total} == {"counsellor", "referent", "admin"}


def test_an_anonymised_contract_is_read_by_nobody_and_still_counted(ctx, users):
    from app import policy
    from app.contracts.models import Contract
    from app.people.models import utcnow

    contract = ctx.scalars(select(Contract).order_by(Contract.id)).first()
    contract.anonymised_at = utcnow()
    ctx.flush()
    for name in ACCOUNTS:
        assert policy.readable_contract(users[name], contract.id) is None, name
    counted = ctx.scalars(select(Contract.id).where(policy.counted_contracts(users["admin"]))).all()
    assert contract.id in counted


@pytest.mark.parametrize("typed", ["0", "-3", "2147483648", "99999999999999999999", "abc", "", None, "1.5"])
def test_an_id_typed_in_an_address_is_never_an_error(ctx, users, typed):
    from app import policy

    assert policy.readable_contract(users["admin"], typed) is None
    assert policy.read_student(users["admin"], typed) is None


@pytest.mark.parametrize("username", ACCOUNTS)
def test_staff_student_pages_cover_the_students_of_the_contracts_one_reads(ctx, users, username):
    from app import policy
    from app.people.models import Student

    user = users[username]
    of_contracts = {c.student_id for c in ctx.scalars(policy.contracts_query(user))}
    pages = set(ctx.scalars(select(Student.id).where(policy.visible_students(user))))
    if username.startswith("student"):
        assert pages == set()  # students use their own pages
    else:
        assert of_contracts <= pages


def test_the_holders_of_a_role_in_sql_are_those_roles_of_names_groups_included(ctx, users):
    """The assignment pages offer the holders of a role (SQL); the pages let them in (roles_of): the same people."""
    from flask import current_app

    from app import policy
    from app import roles as R

    sm = current_app.appbuilder.sm
    # The teacher is also a director of studies through a directory group, not directly.
    ctx.add(sm.group_model(name="detus", label="DETUs", roles=[sm.find_role(R.DETU)], users=[users["teacher"]]))
    ctx.flush()
    accounts = ctx.scalars(select(sm.user_model)).all()
    for role in R.ALL_ROLES:
        in_sql = set(ctx.scalars(select(sm.user_model.id).where(policy.role_holders(role))))
        assert in_sql == {user.id for user in accounts if role in policy.roles_of(user)}, role
    assert users["teacher"].id in set(ctx.scalars(select(sm.user_model.id).where(policy.role_holders(R.DETU))))


def test_the_assignment_form_offers_a_director_of_studies_by_group(app, login):
    from flask import current_app

    from app import roles as R
    from app.extensions import db

    with app.app_context():
        sm = current_app.appbuilder.sm
        teacher = sm.find_user(username="teacher")
        db.session.add(sm.group_model(name="detus", label="DETUs", roles=[sm.find_role(R.DETU)], users=[teacher]))
        db.session.commit()
        label = f"{teacher.first_name} {teacher.last_name}"
    form = login("referent").get("/detuassignmentview/add").get_data(as_text=True)
    assert label in form
