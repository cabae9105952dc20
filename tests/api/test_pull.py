"""Incremental pulls: each filter selects what it says, and a pull while contracts change misses none."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Faculty, Programme, Student

from tests.api.test_scope import CONTRACTS, read_all


def _ids(app, *conditions, joins=()):
    with app.app_context():
        query = select(Contract.id)
        for join in joins:
            query = query.join(join)
        return {pk for pk in db.session.scalars(query.where(*conditions))}


def _rison_instant(moment):
    return "'" + moment.replace(tzinfo=timezone.utc).isoformat() + "'"


def test_each_filter_selects_what_it_says(app, client, bearer):
    headers = bearer("admin")
    with app.app_context():
        year = db.session.scalar(select(Contract.year).order_by(Contract.year.desc()))
        middle = sorted(db.session.scalars(select(Contract.updated_at)))[40]
        signed = sorted(db.session.scalars(select(Contract.signed_at).where(Contract.signed_at.is_not(None))))[5]
        number = db.session.scalar(select(Student.student_number).join(Contract).order_by(Student.id))
    cases = [
        ("(col:status,opr:eq,value:signed)", [Contract.status == "signed"], ()),
        ("(col:status,opr:in,value:!(draft,returned))", [Contract.status.in_(["draft", "returned"])], ()),
        (f"(col:year,opr:eq,value:{year})", [Contract.year == year], ()),
        (f"(col:year,opr:lt,value:{year})", [Contract.year < year], ()),
        ("(col:kind,opr:eq,value:initial)", [Contract.kind == "initial"], ()),
        ("(col:programme_code,opr:eq,value:L1MATH-101)", [Programme.step_code == "L1MATH"], (Programme,)),
        ("(col:faculty_code,opr:in,value:!(LET))", [Faculty.code == "LET"], (Programme, Faculty)),
        (f"(col:student_number,opr:eq,value:'{number}')", [Student.student_number == number], (Student,)),
        (f"(col:updated_at,opr:gt,value:{_rison_instant(middle)})", [Contract.updated_at > middle], ()),
        (f"(col:updated_at,opr:lt,value:{_rison_instant(middle)})", [Contract.updated_at < middle], ()),
        (f"(col:signed_at,opr:gt,value:{_rison_instant(signed)})", [Contract.signed_at > signed], ()),
    ]
    for rison, conditions, joins in cases:
        summaries, counts = read_all(client, headers, f",filters:!({rison})")
        expected = _ids(app, *conditions, joins=joins)
        assert expected, rison
        assert {s["id"] for s in summaries} == expected, rison
        assert counts[0] == len(expected)


def test_a_time_with_an_offset_means_the_same_instant(app, client, bearer):
    with app.app_context():
        middle = sorted(db.session.scalars(select(Contract.updated_at)))[40]
    paris = middle.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=2))).isoformat()
    summaries, _ = read_all(client, bearer("admin"), f",filters:!((col:updated_at,opr:gt,value:'{paris}'))")
    assert {s["id"] for s in summaries} == _ids(app, Contract.updated_at > middle)


def _new_contract(app, index):
    with app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.step_code == "L2LETM"))
        student = Student(student_number=f"299{index:05d}", last_name="Nouveau", first_name=f"Élève {index}")
        db.session.add(Contract(student=student, programme=programme, year=2030, kind="initial", status="draft"))
        db.session.commit()


def _touch(app, pk, text):
    with app.app_context():
        contract = db.session.get(Contract, pk) or db.session.scalar(select(Contract).order_by(Contract.id.desc()))
        contract.path_notes = text
        db.session.commit()


@pytest.mark.parametrize("caller", ["admin", "api-key"])
def test_a_pull_while_contracts_change_misses_none(app, client, bearer, service_key, caller):
    """A nightly pull reads forward by id while people keep working: after each page one contract
    already read changes, one not read yet changes, one is created. The next incremental pull
    (changed since the first answer's as_of, minus a margin) brings what the first could not."""
    headers = service_key("bi-night", all_faculties=True) if caller == "api-key" else bearer(caller)
    known, after, as_of, written = {}, None, None, 0
    while True:
        cursor = f"after_id:{after}," if after is not None else ""
        page = client.get(CONTRACTS, query_string={"q": f"({cursor}page_size:10)"}, headers=headers).json
        as_of = as_of or page["as_of"]
        known.update({s["id"]: s["version"] for s in page["result"]})
        after = page["next_after_id"]
        if after is None:
            break
        _touch(app, min(known), f"déjà lu {written}")
        _touch(app, after + 3, f"pas encore lu {written}")
        _new_contract(app, written)
        written += 1
    assert written >= 5

    since = (datetime.fromisoformat(as_of) - timedelta(minutes=5)).isoformat()
    changed, _ = read_all(client, headers, f",filters:!((col:updated_at,opr:gt,value:'{since}'))")
    known.update({s["id"]: s["version"] for s in changed})

    with app.app_context():
        truth = dict(db.session.execute(select(Contract.id, Contract.version)).all())
    assert known == truth
