"""« Mes données »: a student downloads exactly what is held about them, and nothing of anyone else."""

from sqlalchemy import select

from tests.documents.conftest import pdf_text
from tests.privacy.conftest import own_contract_id, reads, user_id

APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}


def _everyone_else(app, username):
    """Identifiers of every other student: none may appear in the download."""
    from app.extensions import db
    from app.people.models import Student

    with app.app_context():
        me = user_id(app, username)
        others = db.session.scalars(select(Student).where((Student.user_id != me) | Student.user_id.is_(None))).all()
        return [value for s in others for value in (s.student_number, s.ine, s.email) if value]


def _their_contracts(app, username):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Student

    with app.app_context():
        student = db.session.scalar(select(Student).where(Student.user_id == user_id(app, username)))
        return sorted(db.session.scalars(select(Contract.id).where(Contract.student_id == student.id)).all())


def test_the_json_holds_their_identity_registrations_contracts_history_mails_and_reads(app, login):
    pk = own_contract_id(app, "student")
    login("detu").get(f"/contracts/show/{pk}")
    login("teacher").get(f"/contracts/{pk}/pdf")
    response = login("student").get("/my/data/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_json()
    assert data["account"]["login"] == "student"
    assert (data["identity"]["last_name"], data["identity"]["first_name"]) == ("Martin", "Camille")
    assert {r["programme"] for r in data["registrations"]} == {"L1MATH-101", "L1LETM-101"}
    assert [t["name"] for t in data["referent_teachers"]] == ["Thierry Enseignant"]
    assert sorted(c["id"] for c in data["contracts"]) == _their_contracts(app, "student")
    mine = next(c for c in data["contracts"] if c["id"] == pk)
    assert [e["to"] for e in mine["history"]] == ["draft"]
    assert [(r["reader"], r["channel"]) for r in data["contract_reads"]] == [
        ("Denise Directrice", "page"), ("Thierry Enseignant", "pdf")]
    assert [s["by"] for s in data["acted_as_you"]] == ["Rémi Référent"]
    text = response.get_data(as_text=True)
    assert not [value for value in _everyone_else(app, "student") if value in text]


def test_a_signed_contract_comes_with_every_field_and_the_mails_sent(app, login):
    from app.contracts.models import Contract
    from app.extensions import db
    from app.notify.models import OutboxMessage

    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.status == "returned").order_by(Contract.id))
        owner = contract.student.user.username
        reason, study_plan = contract.returned_reason, contract.study_plan
        mails = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_user_id == contract.student.user_id)).all()
        others = [m for m in db.session.scalars(select(OutboxMessage.to_address)).all()
                  if m != contract.student.email]
    data = login(owner).get("/my/data/data.json").get_json()
    returned = next(c for c in data["contracts"] if c["status"] == "returned")
    assert (returned["returned_reason"], returned["study_plan"]) == (reason, study_plan)
    assert [h["reason"] for h in returned["history"] if h["to"] == "returned"] == [reason]
    assert [n["subject"] for n in data["notifications"]] == mails and mails
    assert not set(others) & {n["to"] for n in data["notifications"]}


def test_a_student_without_a_contract_still_gets_their_identity(app, login):
    data = login("student2").get("/my/data/data.json").get_json()
    assert data["contracts"] == [] and data["contract_reads"] == []
    assert data["identity"]["last_name"] == "Bernard"


def test_the_pdf_is_readable(app, login):
    pk = own_contract_id(app, "student")
    login("detu").get(f"/contracts/show/{pk}")
    response = login("student").get("/my/data/data.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("My data", "Martin", "L1MATH-101", "Who read your contracts", "Denise Directrice"):
        assert expected in text


def test_nobody_acting_as_the_student_downloads_their_data(app, login):
    referent = login("referent")
    referent.post("/impersonation/start", data={"user_id": user_id(app, "student")})
    assert referent.get("/my/data/").status_code == 200
    assert referent.get("/my/data/data.json").status_code == 403
    assert referent.get("/my/data/data.pdf").status_code == 403
    assert reads(app) == []


def test_the_notice_shows_until_the_student_has_read_it(app, login):
    student = login("student")
    page = student.get("/my/contracts/").get_data(as_text=True)
    assert "Your personal data" in page and "kept in full for 5 years" in page
    assert "arrêté of 30 July 2018" in page  # the referents' editable text
    response = student.post("/my/data/notice", data={"next": "/my/contracts/"})
    assert response.headers["Location"].endswith("/my/contracts/")
    assert "Your personal data" not in student.get("/my/contracts/").get_data(as_text=True)
    # Still readable afterwards, in « My data ».
    assert "kept in full for 5 years" in student.get("/my/data/").get_data(as_text=True)


def test_the_notice_is_not_marked_read_by_someone_acting_as_the_student(app, login):
    referent = login("referent")
    referent.post("/impersonation/start", data={"user_id": user_id(app, "student")})
    referent.post("/my/data/notice", data={"next": "/my/contracts/"})
    assert "Your personal data" in login("student").get("/my/contracts/").get_data(as_text=True)


def test_the_notice_never_sends_the_student_to_another_site(app, login):
    response = login("student").post("/my/data/notice", data={"next": "//evil.example/x"})
    assert response.headers["Location"].endswith("/my/data/")


def test_staff_never_see_the_notice(app, login):
    assert "Your personal data" not in login("detu").get("/contracts/list/").get_data(as_text=True)


def _comment(contract, user, text):
    from app.contracts import editing

    editing.save_comment(contract, user, text, contract.version)


def test_their_comment_versions_and_notifications_and_none_of_another_students(app, login):
    """Every version of the counsellor's comment on their contracts, and the notices the application
    showed them about their contracts; never another student's, even in a notice to the same account."""
    from app.contracts.models import Contract
    from app.extensions import db
    from app.notify import inapp
    from app.notify.models import Notification

    pk = own_contract_id(app, "student")
    with app.test_request_context():
        counsellor = app.appbuilder.sm.find_user(username="counsellor")
        mine = db.session.get(Contract, pk)
        other = db.session.scalar(select(Contract).where(Contract.student_id != mine.student_id,
                                                         Contract.status == "submitted").order_by(Contract.id))
        other_pk, other_name = other.id, other.student.last_name
        _comment(mine, counsellor, "First: see the tutoring.")
        _comment(mine, counsellor, "Second: tutoring booked.")
        _comment(other, counsellor, "SECRET-OF-LUCAS")
        inapp.notify(mine, "returned")
        inapp.notify(other, "started")  # to the DETUs of its programme
        # As if the account were also a DETU's: a notice about another student's contract.
        db.session.add(Notification(user_id=mine.student.user_id, contract_id=other_pk, event="submitted"))
        db.session.commit()
    response = login("student").get("/my/data/data.json")
    data = response.get_json()
    contract = next(c for c in data["contracts"] if c["id"] == pk)
    assert [(v["by"], v["text"]) for v in contract["comment_history"]] == [
        ("Corinne Conseillère", "First: see the tutoring."), ("Corinne Conseillère", "Second: tutoring booked.")]
    assert [(n["contract_id"], n["event"]) for n in data["in_app_notifications"]] == [(pk, "returned")]
    assert data["in_app_notifications"][0]["text"].startswith("Your contract ")
    text = response.get_data(as_text=True)
    assert "SECRET-OF-LUCAS" not in text and other_name not in text
    assert not [value for value in _everyone_else(app, "student") if value in text]
    pdf = pdf_text(login("student").get("/my/data/data.pdf").data)
    for expected in ("Second: tutoring booked.", "Notifications in the application", "has been returned to you"):
        assert expected in pdf
    assert "SECRET-OF-LUCAS" not in pdf
