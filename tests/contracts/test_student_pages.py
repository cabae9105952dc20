"""The student's pages through HTTP: writing, validating, errors that lose nothing, closed campaign."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from app.catalog.models import Accommodation, Campaign, Settings
from app.contracts import loading
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Student


def my_contract(app, username="student", kind="initial"):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        student = db.session.scalar(select(Student).where(Student.user_id == user.id))
        year = db.session.get(Settings, 1).current_year
        contract = db.session.scalar(
            select(Contract).where(Contract.student_id == student.id, Contract.year == year, Contract.kind == kind)
            .options(*loading.document())  # used after the session is gone
        )
        if contract is None:
            return None
        db.session.expunge(contract)
        return contract


def version_in(html):
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_form_shows_fields_in_legal_order_with_help(login):
    page = login("student").get("/my/contract/").get_data(as_text=True)
    order = ["field-study_plan", 'name="accommodations"', 'name="gap_year"', "field-second_programme", "pec_acknowledged", "charter_accepted"]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert 'aria-describedby="help-study_plan"' in page
    assert "<details" in page and "Onisep" in page  # the help bubble, with its link


def test_save_keeps_draft_and_values(app, login):
    client = login("student")
    version = version_in(client.get("/my/contract/").get_data(as_text=True))
    response = client.post("/my/contract/", data={
        "action": "save", "version": version, "study_plan": "Devenir professeure des écoles.",
        "gap_year": "semester", "needs_details": "Horaires de travail le soir",
    })
    assert response.status_code == 302
    contract = my_contract(app)
    assert (contract.status, contract.study_plan, contract.gap_year) == ("draft", "Devenir professeure des écoles.", "semester")


def test_validate_with_missing_fields_lists_them_and_keeps_what_was_typed(app, login):
    client = login("student")
    version = version_in(client.get("/my/contract/").get_data(as_text=True))
    response = client.post("/my/contract/", data={
        "action": "validate", "version": version, "study_plan": "", "needs_details": "Je suis salarié",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    assert 'href="#field-study_plan"' in page and 'href="#field-charter_accepted"' in page
    assert "Je suis salarié" in page
    contract = my_contract(app)
    assert contract.status == "draft"
    assert contract.needs_details == "Je suis salarié"  # saved as a draft, nothing lost


def test_validate_complete_contract(app, login):
    client = login("student")
    version = version_in(client.get("/my/contract/").get_data(as_text=True))
    response = client.post("/my/contract/", data={
        "action": "validate", "version": version, "study_plan": "Un projet clair.", "charter_accepted": "on",
    })
    assert response.status_code == 302
    assert my_contract(app).status == "submitted"
    page = client.get("/my/contract/").get_data(as_text=True)
    assert 'name="study_plan"' not in page  # read-only once validated
    assert "Un projet clair." in page


def test_oversized_text_is_refused_and_nothing_is_half_stored(app, login):
    before = my_contract(app)
    client = login("student")
    huge = "x" * (app.config["MAX_TEXT_LENGTH"] + 1)
    response = client.post("/my/contract/", data={
        "action": "save", "version": str(before.version), "study_plan": "Nouveau projet", "needs_details": huge,
        "gap_year": "year",
    })
    assert response.status_code == 422
    assert "too long" in response.get_data(as_text=True) or "trop long" in response.get_data(as_text=True)
    after = my_contract(app)
    assert (after.study_plan, after.gap_year, after.version) == (before.study_plan, before.gap_year, before.version)


def test_unknown_choices_are_refused(app, login):
    before = my_contract(app)
    client = login("student")
    for data in ({"gap_year": "forever"}, {"accommodations": "999999"}, {"accommodations": "abc"}):
        response = client.post("/my/contract/", data={"action": "save", "version": str(before.version), **data})
        assert response.status_code == 422
    assert my_contract(app).version == before.version


def test_html_is_escaped_on_display(app, login):
    client = login("student")
    version = version_in(client.get("/my/contract/").get_data(as_text=True))
    client.post("/my/contract/", data={"action": "save", "version": version, "study_plan": "<script>alert(1)</script>"})
    page = client.get("/my/contract/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_stale_save_is_refused_and_the_typed_text_is_shown(app, login):
    first, second = login("student"), login("student")
    version = version_in(first.get("/my/contract/").get_data(as_text=True))
    assert first.post("/my/contract/", data={"action": "save", "version": version, "study_plan": "Version A"}).status_code == 302
    response = second.post("/my/contract/", data={"action": "save", "version": version, "study_plan": "Version B"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Version B" in page  # what was typed is kept on screen
    assert my_contract(app).study_plan == "Version A"  # nothing overwritten


def test_missing_csrf_token_is_refused(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        login_page = client.get("/login/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/login/", data={"username": "student", "password": "demo", "csrf_token": token})
        before = my_contract(app)
        response = client.post("/my/contract/", data={"action": "save", "version": before.version, "study_plan": "Sans jeton"})
        assert response.status_code == 400
        assert my_contract(app).study_plan == before.study_plan
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_student_without_contract_starts_one(app, login):
    assert my_contract(app, "student2") is None
    client = login("student2")
    page = client.get("/my/contract/").get_data(as_text=True)
    assert 'value="start"' in page
    assert client.post("/my/contract/", data={"action": "start"}).status_code == 302
    contract = my_contract(app, "student2")
    assert contract.status == "draft"
    page = client.get("/my/contract/").get_data(as_text=True)
    assert "Licence 1 Lettres modernes" in page  # double inscription pre-filled from the registrations


def test_reorientation_contract_can_be_started_when_eligible(app, login):
    client = login("student")
    assert 'value="reorientation"' in client.get("/my/contract/").get_data(as_text=True)
    assert client.post("/my/contract/", data={"action": "start", "kind": "reorientation"}).status_code == 302
    contract = my_contract(app, kind="reorientation")
    assert contract is not None and contract.programme.step_code == "L1LETM"
    assert 'value="reorientation"' not in client.get("/my/contract/").get_data(as_text=True)


def test_closed_campaign_shows_read_only_contract(app, login):
    with app.app_context():
        settings = db.session.get(Settings, 1)
        campaign = db.session.scalar(select(Campaign).where(Campaign.year == settings.current_year))
        campaign.opens_on, campaign.closes_on = date.today() - timedelta(days=90), date.today() - timedelta(days=1)
        db.session.commit()
    client = login("student")
    page = client.get("/my/contract/").get_data(as_text=True)
    assert "campaign is closed" in page or "campagne est fermée" in page
    assert 'name="study_plan"' not in page
    before = my_contract(app)
    response = client.post("/my/contract/", data={"action": "save", "version": before.version, "study_plan": "Trop tard"})
    assert response.status_code == 403
    assert my_contract(app).study_plan == before.study_plan


def test_student_sees_the_counsellor_comment_and_past_contracts(app, login):
    with app.app_context():
        contract = db.session.get(Contract, my_contract(app).id)
        contract.comment = "Pensez au tutorat."
        db.session.commit()
    client = login("student")
    assert "Pensez au tutorat." in client.get("/my/contract/").get_data(as_text=True)
    assert client.get("/my/contracts/").status_code == 200


def test_contacts_name_the_directors_and_the_referent_teacher(login):
    page = login("student").get("/my/contacts/").get_data(as_text=True)
    assert "Denise Directrice" in page and "detu@demo.univ.fr" in page
    assert "Thierry Enseignant" in page


def test_another_students_contract_is_not_found(app, login):
    with app.app_context():
        someone_else = db.session.scalar(select(Contract).order_by(Contract.id.desc()))
        other = someone_else.id
    assert login("student").get(f"/my/contracts/{other}").status_code == 404


def test_need_deactivated_after_being_chosen_stays_on_the_contract(app, login):
    with app.app_context():
        need = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE01"))
        need_id = need.id
    client = login("student")
    version = version_in(client.get("/my/contract/").get_data(as_text=True))
    client.post("/my/contract/", data={"action": "save", "version": version, "accommodations": str(need_id)})
    with app.app_context():
        db.session.get(Accommodation, need_id).active = False
        db.session.commit()
    page = client.get("/my/contract/").get_data(as_text=True)
    assert f'value="{need_id}" checked' in page
