"""The staff's contract pages in a real browser: the list (sort, filters, accents), bulk signing,
signing with a confirmation then the next one, the DETU's page, the comparison after a return,
the notification counter, the student page, the frozen PDF, the double enrolment's second contract."""
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.contracts import editing, workflow
from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme, Student
from tests.web import login_with_keyboard

# These tests read the English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}

pytestmark = pytest.mark.browser


def ids(app, *conditions):
    with app.app_context():
        return sorted(db.session.scalars(select(Contract.id).join(Programme).join(Student).where(*conditions)))


def shown_ids(page):
    return [int(i) for i in page.eval_on_selector_all(
        "table tbody tr td a[href*='/contracts/show/']:not(.btn)", "links => links.map(a => a.href.split('/').pop())")]


def student_names(page):
    return page.eval_on_selector_all(
        "table tbody tr td:nth-child(4) a", "links => links.map(a => a.textContent.trim())")


def test_sort_filter_and_search_without_accents(app, page):
    login_with_keyboard(page, "referent")
    page.goto("/contracts/list/?year=all")
    with page.expect_navigation():
        page.click("th a:has-text('Student number')")
    numbers = page.eval_on_selector_all("table tbody tr td:nth-child(3)", "cells => cells.map(c => c.textContent.trim())")
    assert numbers == sorted(numbers) and len(numbers) > 5
    with page.expect_navigation():
        page.click("th a:has-text('Student number')")
    descending = page.eval_on_selector_all("table tbody tr td:nth-child(3)", "cells => cells.map(c => c.textContent.trim())")
    assert descending == sorted(descending, reverse=True)

    page.select_option("#f-status", "submitted")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert "status=submitted" in page.url
    assert set(page.eval_on_selector_all("table tbody .status", "b => b.map(x => x.className)")) == {"status status-submitted"}

    page.goto("/contracts/list/?year=all")
    page.fill("#q", "lefevre")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert sorted(set(shown_ids(page))) == ids(app, Student.last_name == "Lefèvre")


def test_bulk_signing_with_one_refused_row(app, page):
    submitted = ids(app, Programme.step_code == "L1MATH", Contract.status == "submitted")
    draft = ids(app, Programme.step_code == "L1MATH", Contract.status == "draft")[0]
    login_with_keyboard(page, "detu")
    page.goto("/contracts/list/?psize_ContractsView=100")
    for pk in submitted + [draft]:
        page.check(f"#row-{pk}")
    page.click("button.dropdown-toggle:has-text('Actions')")
    with page.expect_navigation(url=re.compile(r".*/action_post$")):
        page.click("a.sign_selected_menu_item")
    assert "Sign the selected contracts?" in page.content()
    assert page.locator("span.refused").count() == 1  # the draft, with its reason
    with page.expect_navigation():
        page.click("button:has-text('Sign')")
    assert page.locator("tr.done").count() == len(submitted)
    assert page.locator("tr.refused").count() == 1
    with app.app_context():
        assert {db.session.get(Contract, pk).status for pk in submitted} == {"signed"}
        assert db.session.get(Contract, draft).status == "draft"


def test_sign_with_a_confirmation_then_the_next_one(app, page):
    submitted = ids(app, Programme.step_code.in_(["L1MATH", "L2MATH"]), Contract.status == "submitted")
    login_with_keyboard(page, "detu")
    page.goto("/contracts/next-to-sign/")
    first = int(page.url.rsplit("/", 1)[1])
    assert first in submitted
    with page.expect_navigation():
        page.click("a:has-text('Sign the contract')")  # a confirmation page, nothing signed yet
    assert "Sign the contract of" in page.content()
    with app.app_context():
        assert db.session.get(Contract, first).status == "submitted"  # not before the confirmation
    with page.expect_navigation():
        page.click("button:has-text('Yes, sign the contract')")
    assert "The contract is signed." in page.content()
    with page.expect_navigation():
        page.click(f"a:has-text('Next contract to sign ({len(submitted) - 1})')")
    following = int(page.url.rsplit("/", 1)[1])
    assert following in submitted and following != first
    with app.app_context():
        assert db.session.get(Contract, first).status == "signed"


def test_the_detu_page_shows_the_students_part_with_help(app, page):
    pk = ids(app, Programme.step_code == "L1MATH", Contract.status == "submitted")[0]
    login_with_keyboard(page, "detu")
    page.goto(f"/contracts/edit/{pk}")
    student_part = page.locator(".student-part")
    with app.app_context():
        plan = db.session.get(Contract, pk).study_plan
    assert plan[:30] in student_part.inner_text()
    student_part.locator("summary:has-text('Help')").first.click()
    assert page.locator("#help-study_plan").is_visible()
    page.locator("summary:has-text('Help')").nth(-1).click()  # the DETU's own fields have theirs too
    assert page.locator("#help-path_notes").is_visible()
    with page.expect_navigation():
        page.click("button:has-text('Add a remediation row')")
    assert page.locator("select[name^='remediations-']").count() == 2


def test_the_comparison_after_a_return(app, page):
    pk = ids(app, Programme.step_code == "L1MATH", Contract.status == "returned")[0]
    with app.test_request_context():
        contract = db.session.get(Contract, pk)
        student = contract.student.user
        editing.save_student_part(contract, student, {"study_plan": "Un projet tout neuf.", "charter_accepted": "on"},
                                  contract.version)
        workflow.submit(contract, student)
        db.session.remove()
    login_with_keyboard(page, "detu")
    page.goto(f"/contracts/show/{pk}")
    changes = page.locator("#s-changes").locator("xpath=..")
    assert "Un projet tout neuf." in changes.locator("ins").all_inner_texts()[0] + " ".join(changes.locator("ins").all_inner_texts())
    assert changes.locator("del").count() >= 1


def test_the_notification_counter_follows_a_signature(app, page, browser, live_server):
    pk = ids(app, Programme.step_code == "L1MATH", Contract.status == "submitted")[0]
    with app.app_context():
        username = db.session.get(Contract, pk).student.user.username
    login_with_keyboard(page, username)
    page.goto("/my/contracts/")
    before = _badge(page)
    detu = browser.new_context(base_url=live_server).new_page()
    login_with_keyboard(detu, "detu")
    detu.goto(f"/contracts/show/{pk}")
    with detu.expect_navigation():
        detu.click("a:has-text('Sign the contract')")
    with detu.expect_navigation():
        detu.click("button:has-text('Yes, sign the contract')")
    detu.context.close()
    page.reload()
    assert _badge(page) == before + 1
    with page.expect_navigation():
        page.click("a.notifications-link")
    with page.expect_navigation():
        page.click("text=has been signed")
    assert page.url.endswith(f"/my/contracts/{pk}")
    assert _badge(page) == before


def _badge(page):
    badge = page.locator("a.notifications-link .badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_student_page_from_a_contract(app, page):
    with app.app_context():
        from app.campaign import current_year

        year = current_year()
    pk = ids(app, Programme.step_code == "L2MATH", Contract.status == "signed", Contract.year == year)[0]
    login_with_keyboard(page, "detu")
    page.goto(f"/contracts/show/{pk}")
    with page.expect_navigation():
        page.click("text=The student's page (every year)")
    assert "/students/" in page.url
    with app.app_context():
        student_id = db.session.get(Contract, pk).student_id
        theirs = sorted(db.session.scalars(select(Contract.id).where(Contract.student_id == student_id)))
    assert sorted(set(shown_ids(page))) == theirs  # both years: L1 last year, L2 this year
    assert page.locator("#s-registrations").count() == 1


def test_the_signed_pdf_does_not_change_after_a_rename(app, page, tmp_path):
    pk = ids(app, Programme.step_code == "L1MATH", Contract.status == "signed")[0]
    login_with_keyboard(page, "detu")
    before = _pdf_text(page, pk, tmp_path / "before.pdf")
    with app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.step_code == "L1MATH"))
        programme.label = "Licence renommée"
        contract = db.session.get(Contract, pk)
        contract.student.last_name = "Renommé"
        db.session.commit()
    after = _pdf_text(page, pk, tmp_path / "after.pdf")
    assert after == before and "renommée" not in after and "Renommé" not in after
    page.goto(f"/contracts/show/{pk}")
    assert "Licence renommée" not in page.locator("#s-identity").locator("xpath=..").inner_text()


def _pdf_text(page, pk, path):
    response = page.request.get(f"/contracts/{pk}/pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path.write_bytes(response.body())
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_the_second_contract_of_a_double_enrolment(app, page, browser, live_server):
    login_with_keyboard(page, "student2")
    page.goto("/my/contract/")
    with page.expect_navigation():
        page.click("button:has-text('Start my contract')")
    with page.expect_navigation():
        page.click("button:has-text('Start the contract of my second programme')")
    assert "kind=double" in page.url
    assert "Contract of the second programme (double enrolment)" in page.content()
    page.fill("#field-study_plan", "Suivre aussi les Lettres modernes.")
    page.check("#field-charter_accepted")
    with page.expect_navigation():
        page.click("button[value=validate]")
    assert kinds_of(app, "student2") == {"initial": ("L1MATH", "draft"), "double": ("L1LETM", "submitted")}
    assert re.search(r"L1LETM", page.content())
    _validate_first_contract(app, "student2")
    both = {kind: pk for kind, pk in contract_ids_of(app, "student2").items()}

    # Staff who read both programmes see both contracts, each in its own programme.
    referent = _signed_in(browser, live_server, "referent")
    referent.goto("/contracts/list/?q=bernard+lucas")
    assert sorted(set(shown_ids(referent))) == sorted(both.values())
    programmes = referent.eval_on_selector_all(
        "table tbody tr", "rows => rows.map(r => [r.querySelector('a:not(.btn)').href.split('/').pop(), "
                          "r.children[4].textContent.trim()])")
    assert {int(pk): code for pk, code in programmes} == {both["initial"]: "L1MATH-101", both["double"]: "L1LETM-101"}
    # Each DETU sees the contract of their own programme only.
    for username, kind in (("detu", "initial"), ("detu2", "double")):
        detu = _signed_in(browser, live_server, username)
        detu.goto("/contracts/list/?q=bernard+lucas")
        assert shown_ids(detu) == [both[kind]]
        if username == "detu2":  # the second programme's DETU signs theirs: the first one does not move
            before = _state(app, both["initial"])
            detu.goto(f"/contracts/show/{both['double']}")
            with detu.expect_navigation():
                detu.click("a:has-text('Sign the contract')")
            with detu.expect_navigation():
                detu.click("button:has-text('Yes, sign the contract')")
            assert "The contract is signed." in detu.content()
        detu.context.close()
    referent.context.close()
    assert kinds_of(app, "student2") == {"initial": ("L1MATH", "submitted"), "double": ("L1LETM", "signed")}
    assert _state(app, both["initial"]) == before


def kinds_of(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return {c.kind: (c.programme.step_code, c.status) for c in db.session.scalars(
            select(Contract).join(Student).where(Student.user_id == user.id))}


def contract_ids_of(app, username):
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return {c.kind: c.id for c in db.session.scalars(select(Contract).join(Student).where(Student.user_id == user.id))}


def _validate_first_contract(app, username):
    """The student validates their first contract too (through the workflow: the browser part is above)."""
    with app.test_request_context():
        user = app.appbuilder.sm.find_user(username=username)
        contract = db.session.scalar(select(Contract).join(Student).where(
            Student.user_id == user.id, Contract.kind == "initial"))
        editing.save_student_part(contract, user, {"study_plan": "Les mathématiques d'abord.", "charter_accepted": "on"},
                                  contract.version)
        workflow.submit(contract, user)
        db.session.remove()


def _state(app, pk):
    with app.app_context():
        contract = db.session.get(Contract, pk)
        return contract.status, contract.version, contract.updated_at, contract.signed_at


def _signed_in(browser, live_server, username):
    tab = browser.new_context(base_url=live_server, locale="fr-FR").new_page()
    tab.set_default_timeout(15000)
    login_with_keyboard(tab, username)
    return tab
