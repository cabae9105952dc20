"""A signed contract shows and prints what was signed; what changed since a return; the comment's history."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.catalog.models import Accommodation, Remediation, Settings
from app.contracts import document, editing, workflow
from app.contracts.models import CharterVersion, Contract
from app.documents.pdf import contract_html
from app.extensions import db
from app.people.models import Faculty, Programme, Student
from tests.contracts.staff import one_contract


def signed_with_everything(ctx, users):
    """A submitted L1MATH contract with a need, a remediation and a course, signed by `detu`."""
    contract = ctx.scalar(select(Contract).join(Programme).where(Programme.step_code == "L1MATH",
                                                                 Contract.status == "submitted").order_by(Contract.id))
    need = ctx.scalar(select(Accommodation).where(Accommodation.code == "RSE01"))
    student = contract.student.user
    workflow.return_to_student(contract, users["detu"], "Ajoutez vos horaires.")
    editing.save_student_part(contract, student, {"study_plan": contract.study_plan, "charter_accepted": "on",
                                                  "accommodations": [need.id]}, contract.version)
    workflow.submit(contract, student)
    remediation = ctx.scalar(select(Remediation).order_by(Remediation.id))
    editing.save_detu_part(contract, users["detu"], {
        "needs-0-line": contract.accommodations[0].id, "needs-0-hours": "12",
        "remediations-0-remediation": remediation.id, "remediations-0-hours": "18",
        "advance_courses-0-code": "L2ALG", "advance_courses-0-label": "Algèbre 2", "advance_courses-0-ects": "6",
        "path_notes": "Tutorat le mardi."}, contract.version)
    workflow.sign(contract, users["detu"])
    return contract


def rename_everything(ctx, contract, users):
    need = contract.accommodations[0].accommodation
    need.label, need.label_en = "Besoin renommé", "Renamed need"
    contract.remediations[0].remediation.label = "Remédiation renommée"
    contract.programme.label = "Formation renommée"
    contract.programme.faculty.label = "Composante renommée"
    contract.student.last_name, contract.student.first_name = "Nouveaunom", "Nouveauprénom"
    users["detu"].first_name, users["detu"].last_name = "Signataire", "Renommé"
    settings = ctx.get(Settings, 1)
    settings.institution_name = "Université renommée"
    settings.charter_html = "<p>Une autre charte</p>"
    ctx.commit()


def test_renames_after_the_signature_change_nothing_the_contract_shows(ctx, users):
    contract = signed_with_everything(ctx, users)
    before_html = contract_html(contract)
    assert "Tutorat le mardi." in before_html and "Algèbre 2" in before_html
    signed_hash = contract.signed_hash
    rename_everything(ctx, contract, users)
    after_html = contract_html(contract)
    assert after_html == before_html
    for renamed in ("renommé", "Nouveaunom", "Une autre charte", "Signataire"):
        assert renamed not in after_html
    assert document.fingerprint_of(contract) == signed_hash


def test_the_fingerprint_covers_the_labels_and_the_charter(ctx, users):
    contract = ctx.scalar(select(Contract).where(Contract.status == "submitted").order_by(Contract.id))
    first = document.fingerprint(document.live(contract))
    need = ctx.scalar(select(Accommodation).where(Accommodation.code == "RSE01"))
    contract.programme.label = "Autre intitulé"
    assert document.fingerprint(document.live(contract)) != first
    ctx.rollback()
    contract.charter_version = CharterVersion(sha256="0" * 64, html="<p>x</p>")
    assert document.fingerprint(document.live(contract)) != first
    ctx.rollback()
    assert need is not None


def test_the_staff_page_of_a_signed_contract_shows_what_was_signed(app, login):
    pk = _signed_l1math_with_a_renamed_programme(app)
    page = login("detu").get(f"/contracts/show/{pk}").get_data(as_text=True)
    section = page.split('id="s-identity"')[1].split("</section>")[0]
    assert "Licence 1 Mathématiques" in section and "Formation renommée" not in section


def _signed_l1math_with_a_renamed_programme(app):
    with app.app_context():
        pk = one_contract(app, Programme.step_code == "L1MATH", Contract.status == "signed")
        programme = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH"))
        programme.label = "Formation renommée"
        db.session.commit()
        return pk


def test_the_pdf_of_a_signed_contract_does_not_follow_a_rename(app, login):
    pk = one_contract(app, Programme.step_code == "L1MATH", Contract.status == "signed")
    client = login("detu")
    before = _pdf_text(client.get(f"/contracts/{pk}/pdf").get_data())
    with app.app_context():
        db.session.scalar(select(Faculty).where(Faculty.code == "SCI")).label = "Composante renommée"
        student = db.session.scalar(select(Student).join(Contract).where(Contract.id == pk))
        student.last_name = "Renommé"
        db.session.commit()
    after = _pdf_text(client.get(f"/contracts/{pk}/pdf").get_data())
    assert after == before and "Renommé" not in after and "renommée" not in after


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_changes_since_the_return_are_compared_field_by_field(app, login):
    with app.test_request_context():
        contract = db.session.scalar(select(Contract).join(Programme).where(
            Programme.step_code == "L1MATH", Contract.status == "returned").order_by(Contract.id))
        student = contract.student.user
        editing.save_student_part(contract, student, {"study_plan": contract.study_plan + " Je travaille le week-end.",
                                                      "charter_accepted": "on", "gap_year": "semester"}, contract.version)
        workflow.submit(contract, student)
        pk = contract.id
        db.session.remove()
    page = login("detu").get(f"/contracts/show/{pk}").get_data(as_text=True)
    section = page.split('id="s-changes"')[1].split("</section>")[0]
    assert "<ins>" in section and "week-end." in section.split("<ins>")[1].split("</ins>")[0] + section
    assert "Césure" in section or "Gap period" in section or "césure" in section
    assert "Projet de formation" in section or "Study plan" in section


def test_no_comparison_without_a_return(app, login):
    pk = one_contract(app, Programme.step_code == "L1MATH", Contract.status == "submitted")
    assert 'id="s-changes"' not in login("detu").get(f"/contracts/show/{pk}").get_data(as_text=True)


def test_the_comment_has_its_author_its_date_and_its_history(app, login):
    pk = one_contract(app, Programme.step_code == "L1MATH", Contract.status == "submitted")
    client = login("counsellor")
    for text in ("Premier avis.", "Second avis."):
        with app.app_context():
            version = db.session.get(Contract, pk).version
        assert client.post(f"/contracts/{pk}/comment", data={"comment": text, "version": version}).status_code == 302
    page = client.get(f"/contracts/show/{pk}").get_data(as_text=True)
    with app.app_context():
        name = app.appbuilder.sm.find_user(username="counsellor").get_full_name()
    assert name in page and "Second avis." in page
    history = page.split('class="contract-section comment-history"')[1].split("</details>")[0]
    assert "Premier avis." in history and name in history
    student_page = _student_view(app, login, pk)
    assert "Second avis." in student_page and name in student_page and "Premier avis." not in student_page


def _student_view(app, login, pk):
    with app.app_context():
        contract = db.session.get(Contract, pk)
        username = contract.student.user.username
    return login(username).get(f"/my/contracts/{pk}").get_data(as_text=True)
