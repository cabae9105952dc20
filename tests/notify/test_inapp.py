"""In-app notifications: the same events as the e-mails, a counter in the navbar, read and unread."""
import re

from sqlalchemy import select

from app.contracts import workflow
from app.contracts.models import Contract
from app.extensions import db
from app.notify.models import Notification
from app.people.models import Programme


def unread_badge(page):
    match = re.search(r'class="notifications-link".*?<span class="badge"[^>]*>(\d+)</span>', page, re.S)
    return int(match.group(1)) if match else 0


def submitted_l1math(app):
    with app.app_context():
        return db.session.scalar(select(Contract.id).join(Programme).where(
            Programme.step_code == "L1MATH", Contract.status == "submitted").order_by(Contract.id))


def test_demo_events_reached_the_detus_and_students(app):
    with app.app_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        events = set(db.session.scalars(select(Notification.event).where(Notification.user_id == detu.id)))
        assert {"started", "submitted"} <= events
        assert db.session.scalar(select(Notification.id).where(Notification.event == "signed")) is not None


def test_signing_tells_the_student_and_the_counter_shows_it(app, login):
    pk = submitted_l1math(app)
    with app.app_context():
        username = db.session.get(Contract, pk).student.user.username
    student = login(username)
    before = unread_badge(student.get("/notifications/").get_data(as_text=True))
    login("detu").post(f"/contracts/{pk}/sign", data={"confirmed": "yes"})
    page = student.get("/notifications/").get_data(as_text=True)
    assert unread_badge(page) == before + 1
    assert "has been signed" in page or "a été signé" in page
    notification = re.search(r'/notifications/(\d+)/open', page).group(1)
    opened = student.get(f"/notifications/{notification}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/my/contracts/{pk}")
    assert unread_badge(student.get("/notifications/").get_data(as_text=True)) == before


def test_a_detu_sees_how_many_contracts_wait_for_their_signature(app, login):
    with app.app_context():
        waiting = len(db.session.scalars(select(Contract.id).join(Programme).where(
            Programme.step_code.in_(["L1MATH", "L2MATH"]), Contract.status == "submitted")).all())
    page = login("detu").get("/contracts/list/").get_data(as_text=True)
    assert re.search(rf'class="to-sign">\s*{waiting} ', page)


def test_read_all_and_unread_again(app, login):
    client = login("detu")
    assert unread_badge(client.get("/notifications/").get_data(as_text=True)) > 0
    client.post("/notifications/read-all")
    page = client.get("/notifications/").get_data(as_text=True)
    assert unread_badge(page) == 0
    first = re.search(r'/notifications/(\d+)/toggle', page).group(1)
    client.post(f"/notifications/{first}/toggle")
    assert unread_badge(client.get("/notifications/").get_data(as_text=True)) == 1


def test_nobody_opens_anothers_notification(app, login):
    with app.app_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == detu.id))
    assert login("detu2").get(f"/notifications/{theirs}/open").status_code == 404
    assert login("detu2").post(f"/notifications/{theirs}/toggle").status_code == 404


def test_a_failing_notification_never_undoes_the_transition(app, monkeypatch):
    from app.notify import inapp

    def broken(contract, event):
        raise RuntimeError("boom")

    monkeypatch.setattr(inapp, "notify", broken)
    pk = submitted_l1math(app)
    with app.test_request_context():
        detu = app.appbuilder.sm.find_user(username="detu")
        contract = db.session.get(Contract, pk)
        workflow.return_to_student(contract, detu, "Précisez.")
        db.session.remove()
        assert db.session.get(Contract, pk).status == "returned"
