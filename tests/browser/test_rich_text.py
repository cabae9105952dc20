"""The charter and help texts are written with the editor: what it writes is what the sanitiser
keeps, the preview shows it, and students read it formatted."""
import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard

pytestmark = pytest.mark.browser


def help_text(app, field="study_plan", language="fr"):
    from app.catalog.models import HelpText
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(HelpText).where(HelpText.field == field, HelpText.language == language))


def test_a_referent_formats_a_help_text_and_students_read_it(app, page, live_server):
    row = help_text(app)
    login_with_keyboard(page, "referent")
    page.goto(f"/helptextview/edit/{row.id}")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Décrivez ")
    page.keyboard.press("Control+B")
    page.keyboard.type("votre projet")
    page.keyboard.press("Control+B")
    page.locator("details.richtext-preview > summary").click()
    preview = page.locator(".richtext-preview-body strong")
    preview.wait_for()
    assert preview.inner_text() == "votre projet"
    with page.expect_navigation():
        page.locator("form.model-form button[type=submit]").click()
    saved = help_text(app).html
    assert "<strong>votre projet</strong>" in saved and saved.startswith("<div>Décrivez")
    student = page.context.browser.new_context(base_url=live_server, locale="fr-FR").new_page()
    login_with_keyboard(student, "student")
    student.goto("/my/contract/")
    assert student.locator("#help-study_plan strong").text_content() == "votre projet"  # in a folded bubble
    student.context.close()
