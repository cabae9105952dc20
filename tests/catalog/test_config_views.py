"""The referent's configuration pages: validation that keeps what was typed, sanitised rich text."""
import re

from sqlalchemy import func, select

from app.catalog.models import Accommodation, Campaign, HelpText, Remediation, Settings
from app.extensions import db
from app.people.models import TeacherAssignment

SETTINGS_FORM = {
    "institution_name": "Université de Test",
    "current_year": "2026",
    "diploma_types": "L, LP",
    "charter_html": "<p>Charte</p>",
    "pec_url": "",
    "contact_email": "scolarite@univ.fr",
    "reorientation_profile_code": "",
    "detu_notification": "immediate",
    "reminder_days": "7",
    "retention_years": "5",
    "read_log_retention_months": "12",
    "identity_retention_years": "1",
    "personal_log_retention_months": "12",
}


def settings_row(app):
    with app.app_context():
        row = db.session.get(Settings, 1)
        db.session.expunge(row)
        return row


def test_invalid_diploma_types_are_refused_and_kept_on_screen(app, login):
    before = settings_row(app)
    client = login("referent")
    response = client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, diploma_types="L, L$P, "))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="L, L$P, "' in page  # what was typed
    assert re.search(r"id=\"error-diploma_types\".{0,200}L\$P", page, re.S)  # the error names the bad code
    assert settings_row(app).diploma_types == before.diploma_types


def test_empty_diploma_types_are_refused(app, login):
    before = settings_row(app)
    login("referent").post("/settingsview/edit/1", data=dict(SETTINGS_FORM, diploma_types=" , "))
    assert settings_row(app).diploma_types == before.diploma_types


def test_settings_are_saved_normalised_and_the_charter_sanitised(app, login):
    charter = '<p onclick="steal()">Je m\'engage</p><script>alert(1)</script><a href="https://univ.fr/charte">charte</a>'
    response = login("referent").post("/settingsview/edit/1", data=dict(SETTINGS_FORM, charter_html=charter))
    assert response.status_code == 302
    row = settings_row(app)
    assert row.diploma_types == "L,LP"
    assert "<script" not in row.charter_html and "onclick" not in row.charter_html and "javascript:" not in row.charter_html
    assert 'href="https://univ.fr/charte"' in row.charter_html and "Je m'engage" in row.charter_html


def test_reorientation_needs_a_profile_code(app, login):
    before = settings_row(app)
    login("referent").post("/settingsview/edit/1", data=dict(SETTINGS_FORM, reorientation_allowed="y", reorientation_profile_code=""))
    assert settings_row(app).reorientation_profile_code == before.reorientation_profile_code


def test_campaign_must_close_after_it_opens(app, login):
    with app.app_context():
        count = db.session.scalar(select(func.count(Campaign.id)))
    response = login("referent").post("/campaignview/add", data={"year": "2030", "opens_on": "2030-10-01", "closes_on": "2030-09-01"})
    assert response.status_code == 200 and "2030-09-01" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Campaign.id))) == count


def test_accommodations_cannot_be_added_or_deleted_but_can_be_deactivated(app, login):
    client = login("referent")
    assert client.get("/accommodationview/add").status_code == 404
    assert client.post("/accommodationview/delete/1").status_code == 404
    with app.app_context():
        need = db.session.scalar(select(Accommodation).where(Accommodation.code == "RSE02"))
        need_id = need.id
    response = client.post("/accommodationview/action_post", data={"action": "deactivate", "rowid": [str(need_id)]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Accommodation, need_id).active is False


def test_actions_are_refused_to_other_roles(app, login):
    with app.app_context():
        need_id = db.session.scalar(select(Accommodation.id).where(Accommodation.code == "RSE02"))
    for username in ("registrar", "detu", "student"):
        response = login(username).post("/accommodationview/action_post", data={"action": "deactivate", "rowid": [str(need_id)]})
        assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Accommodation, need_id).active is True


def test_help_texts_are_sanitised_and_keep_links(app, login):
    with app.app_context():
        help_id = db.session.scalar(select(HelpText.id).where(HelpText.field == "study_plan", HelpText.language == "fr"))
    html = '<p>Voir <a href="https://www.onisep.fr" onmouseover="x()">Onisep</a></p><iframe src="https://evil"></iframe>'
    assert login("referent").post(f"/helptextview/edit/{help_id}", data={"html": html}).status_code == 302
    with app.app_context():
        stored = db.session.get(HelpText, help_id).html
    assert 'href="https://www.onisep.fr"' in stored and "onmouseover" not in stored and "iframe" not in stored


def test_remediation_type_and_hours_are_checked(app, login):
    client = login("referent")
    with app.app_context():
        count = db.session.scalar(select(func.count(Remediation.id)))
    assert client.post("/remediationview/add", data={"label": "Atelier", "kind": "3", "hours": "10", "active": "y"}).status_code == 200
    assert client.post("/remediationview/add", data={"label": "Atelier", "kind": "2", "hours": "-1", "active": "y"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Remediation.id))) == count
    assert client.post("/remediationview/add", data={"label": "Atelier", "kind": "2", "hours": "10", "active": "y"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Remediation).where(Remediation.label == "Atelier")).kind == 2


def test_teacher_assignment_by_student_number(app, login):
    client = login("referent")
    with app.app_context():
        teacher = app.appbuilder.sm.find_user(username="teacher")
        teacher_id = teacher.id
        count = db.session.scalar(select(func.count(TeacherAssignment.id)))
    response = client.post("/teacherassignmentview/add", data={"user": str(teacher_id), "student": "99999999"})
    assert response.status_code == 200 and "99999999" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TeacherAssignment.id))) == count
        from app.people.models import Student

        number = db.session.scalar(select(Student.student_number).order_by(Student.id.desc()))
    assert client.post("/teacherassignmentview/add", data={"user": str(teacher_id), "student": number}).status_code == 302


def test_detu_assignment_offers_only_detus(login):
    page = login("referent").get("/detuassignmentview/add").get_data(as_text=True)
    assert "Denise Directrice" in page and "Didier Directeur" in page
    assert "Corinne Conseillère" not in page and "Alice Admin" not in page


def test_what_the_editor_writes_survives_the_sanitiser():
    """Trix's output (blocks in <div>, headings in <h2>, lists, links) is kept as written."""
    from app.ui.sanitize import clean_html

    trix = ('<div>Un <strong>texte</strong> <em>riche</em> avec un <a href="https://example.org">lien</a>.<br>Suite</div>'
            '<h2>Titre</h2><blockquote>Citation</blockquote><ul><li>un</li></ul><ol><li>deux</li></ol>')
    kept = clean_html(trix)
    assert kept == trix.replace('href="https://example.org"', 'href="https://example.org" rel="noopener noreferrer"')
