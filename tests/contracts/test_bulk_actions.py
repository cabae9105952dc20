"""Bulk actions of the contract list: each contract re-checked, what was done and refused reported."""
import io
import zipfile

from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.people.models import Programme, Student
from tests.contracts.staff import list_page, scoped_ids


def l1math(app, status):
    return sorted(scoped_ids(app, Programme.step_code == "L1MATH", Contract.status == status))


def statuses(app, ids):
    with app.app_context():
        return {pk: db.session.get(Contract, pk).status for pk in ids}


def act(client, action, ids, **extra):
    return client.post("/contracts/action_post", data={"action": action, "rowid": [str(i) for i in ids], **extra})


def test_bulk_sign_confirms_then_signs_and_reports_the_refused_row(app, login):
    submitted, draft = l1math(app, "submitted"), l1math(app, "draft")
    outside = sorted(scoped_ids(app, Programme.step_code == "L3MATH"))[0]  # not detu's programme
    chosen = submitted + [draft[0], outside]
    client = login("detu")
    asked = act(client, "sign_selected", chosen)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in page
    assert statuses(app, submitted) == {pk: "submitted" for pk in submitted}  # nothing signed yet
    # The refused rows are said with their reason; every row goes on, to be checked again.
    assert page.count('class="refused"') == 2 and page.count('name="rowid"') == len(chosen)
    done = act(client, "sign_selected", chosen, confirmed="yes")
    result = done.get_data(as_text=True)
    assert done.status_code == 200
    assert statuses(app, submitted) == {pk: "signed" for pk in submitted}
    assert statuses(app, [draft[0]]) == {draft[0]: "draft"}
    assert statuses(app, [outside])[outside] != "signed" or outside in submitted
    assert result.count('class="refused"') == 2 and result.count('class="done"') == len(submitted)
    assert f"#{outside}" in result  # out of scope: not even its name


def test_an_action_reads_rows_through_the_policy_not_the_ids_posted(app, login):
    outside = sorted(scoped_ids(app, Programme.step_code == "L3MATH", Contract.status == "submitted"))
    result = act(login("detu"), "sign_selected", outside, confirmed="yes").get_data(as_text=True)
    assert statuses(app, outside) == {pk: "submitted" for pk in outside}
    assert result.count('class="refused"') == len(outside)


def test_teachers_and_unknown_actions_are_refused(app, login):
    submitted = l1math(app, "submitted")
    assert act(login("teacher"), "sign_selected", submitted, confirmed="yes").status_code == 403
    assert act(login("detu"), "delete", submitted).status_code == 403
    assert statuses(app, submitted) == {pk: "submitted" for pk in submitted}


def test_pdfs_of_the_selection_as_a_zip(app, login):
    chosen = l1math(app, "submitted")[:2]
    response = act(login("detu"), "pdfs_selected", chosen)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)


def test_a_selection_with_a_row_out_of_scope_downloads_nothing_and_offers_the_others(app, login):
    chosen = l1math(app, "submitted")[:2] + sorted(scoped_ids(app, Programme.step_code == "L3MATH"))[:1]
    response = act(login("detu"), "export_selected", chosen)
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and page.count('class="refused"') == 1
    assert page.count('name="rowid"') == 2 and 'value="export_selected"' in page


def test_excel_of_the_selection(app, login):
    chosen = l1math(app, "submitted")
    response = act(login("registrar"), "export_selected", chosen)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == chosen


def test_each_row_checkbox_names_its_student_for_screen_readers(app, login):
    """A checkbox alone says nothing: its label names the contract's student, in the page's language."""
    with app.app_context():
        rows = db.session.execute(
            select(Contract.id, Student.last_name, Student.first_name).join(Student).join(Programme)
            .where(Programme.step_code == "L1MATH")).all()
    page = list_page(login("detu"))
    for pk, last_name, first_name in rows:
        label = escape(f"Sélectionner le contrat de {last_name} {first_name}")
        assert f'id="row-{pk}" class="action_check" name="rowid" value="{pk}" type="checkbox" aria-label="{label}"' in page
