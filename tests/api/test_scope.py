"""No route of the API returns a row the policy hides (issue 10's leak), whoever asks."""
import pytest
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import DetuAssignment, Faculty, Programme, TeacherAssignment

CONTRACTS = "/api/v1/contracts/"


def read_all(client, headers, q=""):
    """Every contract of a read forward by id: (summaries, the answers' counts)."""
    found, after, counts = [], None, []
    while True:
        cursor = f"after_id:{after}," if after is not None else ""
        response = client.get(CONTRACTS, query_string={"q": f"({cursor}page_size:7{q})"}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        found += response.json["result"]
        counts.append(response.json["count"])
        after = response.json["next_after_id"]
        if after is None:
            return found, counts


def expected_ids(app, username):
    """What each role may read, written from the assignments, independently of app.policy."""
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        query = select(Contract.id)
        if username == "teacher":
            query = query.where(Contract.student_id.in_(
                select(TeacherAssignment.student_id).where(TeacherAssignment.user_id == user.id)))
        elif username.startswith("detu"):
            query = query.where(Contract.programme_id.in_(
                select(DetuAssignment.programme_id).where(DetuAssignment.user_id == user.id)))
        elif username == "registrar":
            query = query.join(Programme).join(Faculty).where(Faculty.code == "SCI")
        return set(db.session.scalars(query))


@pytest.mark.parametrize("username", ["teacher", "detu", "detu2", "registrar", "counsellor", "referent", "admin"])
def test_each_role_reads_exactly_its_contracts(app, client, bearer, username):
    headers = bearer(username)
    summaries, counts = read_all(client, headers)
    ids = [s["id"] for s in summaries]
    assert ids == sorted(set(ids)), "ascending id order, no repeats"
    assert set(ids) == expected_ids(app, username)
    assert counts[0] == len(ids) and counts[1:] == [None] * (len(counts) - 1)
    with app.app_context():
        hidden = set(db.session.scalars(select(Contract.id))) - set(ids)
    for pk in sorted(hidden)[:10]:
        assert client.get(f"{CONTRACTS}{pk}", headers=headers).status_code == 404
        assert client.get(f"{CONTRACTS}{pk}/pdf", headers=headers).status_code == 404


def test_a_teacher_sees_its_nine_students_not_sixty(app, client, bearer):
    summaries, _ = read_all(client, bearer("teacher"))
    assert len({s["student"]["student_number"] for s in summaries}) == 9  # followed, with a contract
    assert len(summaries) < 20


def test_a_service_account_reads_its_faculties(app, client, service_key):
    sci, _ = read_all(client, service_key("bi-sci", faculties=("SCI",)))
    assert {s["programme"]["faculty"]["code"] for s in sci} == {"SCI"}
    assert {s["id"] for s in sci} == expected_ids(app, "registrar")
    everything, _ = read_all(client, service_key("bi-all", all_faculties=True))
    with app.app_context():
        assert {s["id"] for s in everything} == set(db.session.scalars(select(Contract.id)))
