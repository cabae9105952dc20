"""The charter and help texts are written with the editor: what it writes is what the sanitiser
keeps, the preview shows it, and students read it formatted."""
import time

import pytest
from sqlalchemy import select

from tests.web import login_with_keyboard

pytestmark = pytest.mark.browser


def help_text(app, field="study_plan", language="fr"):
    from app.catalog.models import HelpText
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(HelpText).where(HelpText.field == field, HelpText.language == language))


def until(page, condition, seconds=10):
    """Wait for ``condition`` (a JavaScript function) to hold: polled from here, as the pages' CSP
    refuses the string evaluation Playwright's own ``wait_for_function`` uses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {condition}"
        time.sleep(0.05)


def test_a_referent_formats_a_help_text_and_students_read_it(app, page, live_server):
    row = help_text(app)
    login_with_keyboard(page, "referent")
    page.goto(f"/helptextview/edit/{row.id}")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("Décrivez votre projet")
    # Trix takes keys in asynchronously: a shortcut pressed before it has taken the previous keys in
    # acts on an older state (bold came too late 1 run in 3). Each step waits for Trix's own state, as a
    # person sees the editor before going on.
    until(page, "() => document.querySelector('trix-editor').editor.getDocument().toString()"
                " === 'Décrivez votre projet\\n'")
    # « votre projet » selected through Trix, until the selection holds: a late selection event of the
    # typing (Shift+arrow presses too) could move it back to the end.
    until(page, """() => {
        const editor = document.querySelector('trix-editor').editor;
        if (editor.getSelectedRange().join() === '9,21') { return true; }
        editor.setSelectedRange([9, 21]);
        return false;
    }""")
    page.locator("trix-toolbar [data-trix-attribute=bold]").click()
    page.locator("trix-editor strong").wait_for()
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
