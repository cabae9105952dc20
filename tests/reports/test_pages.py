"""The reports through HTTP: the index, each page, its Excel file, bad filters, and the reminders."""
import html
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.reports.registry import REPORTS
from tests.reports import dataset

NAMES = [r.name for r in REPORTS]
YEAR = {"year": dataset.YEAR}


def text(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_index_lists_every_report(login):
    page = text(login("detu").get("/reports/"))
    listed = page[page.index('class="report-list"'):]
    assert re.findall(r'href="/reports/([a-z]+)/"', listed) == NAMES


@pytest.mark.parametrize("username", ["teacher", "counsellor", "student"])
def test_roles_without_reports_are_refused(login, username):
    client = login(username)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/progress/export.xlsx").status_code == 403


@pytest.mark.parametrize("name", NAMES)
def test_each_page_has_its_chart_data_and_tables(login, built, name):
    response = login("registrar").get(f"/reports/{name}/", query_string=YEAR)
    assert response.status_code == 200
    page = text(response)
    chart = json.loads(re.search(r'<script type="application/json" id="report-chart-data">(.*?)</script>', page, re.S)[1])
    assert f'id="{chart["table"]}"' in page
    assert '<canvas id="report-chart" role="img"' in page
    assert "<script>" not in page  # data in JSON blocks, code in static files (strict CSP)


def test_unknown_report_is_404(login):
    assert login("detu").get("/reports/nothing/").status_code == 404
    assert login("detu").get("/reports/nothing/export.xlsx").status_code == 404


def test_bad_filters_are_named_and_ignored(login, built):
    response = login("detu").get("/reports/pending/?year=abc&programme=-3&status=gone&days=100000&faculty=9" * 1)
    assert response.status_code == 200
    assert "year, programme, days, status" in text(response)


def test_the_excel_file_holds_the_tables(login, built):
    response = login("registrar").get("/reports/needs/export.xlsx", query_string=YEAR)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    years, detail = book.worksheets
    assert [c.value for c in years[1]] == ["Besoin spécifique", "2036-2037", "2037-2038", "2038-2039", "2039-2040",
                                           "2040-2041"]
    assert [c.value for c in years[2]] == ["Étudiant salarié", 0, 0, 0, "< 5", 7]
    assert [[c.value for c in row] for row in detail.iter_rows(min_row=2)] == [
        ["Étudiant salarié", "SCI", "L1MATH-101 Licence 1 Mathématiques", "< 5", "< 5", "< 5"],
        ["Étudiant salarié", "SCI", "L3MATH-101 Licence 3 Mathématiques", "< 5", "< 5", "< 5"],
    ]


def test_the_excel_file_of_the_lists_has_every_row_and_no_selection_box(login, built):
    book = load_workbook(io.BytesIO(login("detu").get("/reports/pending/export.xlsx", query_string=YEAR).data))
    assert book.sheetnames[1].startswith("Étudiants inscrits")
    rows = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert rows[0] == ["Numéro étudiant", "Nom", "Prénom", "Composante", "Formation"]
    assert [r[0] for r in rows[1:]] == ["40000006", "40000007"]
    unfinished = [[c.value for c in row] for row in book.worksheets[2].iter_rows(min_row=2)]
    assert [r[0] for r in unfinished] == ["Prénom-m1 Nom-m1", "Prénom-m2 Nom-m2"]


def test_the_dashboard_has_a_year_selector_the_rate_and_the_to_do(login, built):
    page = text(login("detu").get("/contracts/dashboard/", query_string=YEAR))
    assert '<option value="2040" selected>2040-2041</option>' in page
    assert re.search(r"À signer : <strong>2</strong>", page)
    assert re.search(r"Non commencés : <strong>2</strong>", page)
    assert "25\u202f%" in page
    assert 'id="report-chart-data"' in page
    assert login("teacher").get("/contracts/dashboard/").status_code == 200


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def current_2040(app, built):
    from app.catalog.models import Settings
    from app.extensions import db

    with app.app_context():
        db.session.get(Settings, 1).current_year = dataset.YEAR
        db.session.commit()
    return built


def reminded(app):
    from app.extensions import db
    from app.notify.models import OutboxMessage

    with app.app_context():
        return sorted(db.session.scalars(
            select(OutboxMessage.to_address).where(OutboxMessage.kind == "reminder_student")).all())


def test_a_detu_reminds_every_student_of_their_lists(app, login, current_2040):
    client = login("detu")
    response = client.post("/reports/pending/remind", data={"scope": "all", **YEAR}, follow_redirects=True)
    assert "4 relances mises en file d'attente." in text(response)
    assert reminded(app) == ["m1@etu.test.univ.fr", "m2@etu.test.univ.fr", "m7@etu.test.univ.fr",
                             "m8@etu.test.univ.fr"]
    again = text(client.post("/reports/pending/remind", data={"scope": "all", **YEAR}, follow_redirects=True))
    assert "4 étudiants avaient déjà été relancés aujourd'hui." in again
    assert len(reminded(app)) == 4


def test_only_selected_students_of_ones_scope_are_reminded(app, login, current_2040):
    students = current_2040["students"]
    response = login("detu").post("/reports/pending/remind", follow_redirects=True, data={
        "student": [str(students["m7"]), str(students["l6"]), str(students["m4"]), "x"], **YEAR})
    page = text(response)
    assert "1 relance mise en file d'attente." in page
    assert "2 étudiants ne peuvent pas être relancés" in page  # l6: another programme; m4: signed
    assert reminded(app) == ["m7@etu.test.univ.fr"]


def test_no_reminder_outside_the_open_campaign_of_the_current_year(app, login, built):
    response = login("referent").post("/reports/pending/remind", data={"scope": "all", **YEAR}, follow_redirects=True)
    assert "que pendant la campagne de l'année en cours" in text(response)
    assert reminded(app) == []


def test_nothing_selected_says_so(login, current_2040):
    page = text(login("detu").post("/reports/pending/remind", data=YEAR, follow_redirects=True))
    assert "Sélectionnez les étudiants à relancer." in page


def detus_reminded(app):
    from app.extensions import db
    from app.notify.models import OutboxMessage

    with app.app_context():
        return sorted(db.session.execute(select(OutboxMessage.to_address, OutboxMessage.body_text).where(
            OutboxMessage.kind == "reminder_detu")).all())


def test_the_registrar_reminds_the_detus_of_contracts_waiting_too_long(app, login, current_2040):
    from app.extensions import db
    from app.people.models import DetuAssignment, Programme

    client = login("registrar")
    page = text(client.get("/reports/pending/", query_string=YEAR))
    assert "Relancer leurs directeurs des études" in page
    response = client.post("/reports/pending/remind-detus", data={**YEAR, "days": "7"}, follow_redirects=True)
    assert "1 directeur des études relancé." in text(response)
    with app.app_context():
        detus = db.session.scalars(select(DetuAssignment).join(Programme).where(Programme.step_code == "L1MATH")).all()
        addresses = sorted(a.user.email for a in detus)
    sent = detus_reminded(app)
    assert [address for address, _ in sent] == addresses
    # Of the registrar's scope, only m3 (L1MATH, 18 days) waits for longer than 7 days; m6: 2 days.
    assert re.findall(r"^- .*: (\d+)$", sent[0][1], re.M) == ["1"]
    again = text(client.post("/reports/pending/remind-detus", data={**YEAR, "days": "7"}, follow_redirects=True))
    assert "1 directeur des études avait déjà été relancé aujourd'hui." in again
    assert len(detus_reminded(app)) == 1


def test_a_detu_cannot_remind_detus_and_a_narrow_page_reminds_nobody(app, login, current_2040):
    page = text(login("detu").get("/reports/pending/", query_string=YEAR))
    assert "Relancer leurs directeurs des études" not in page
    refused = text(login("detu").post("/reports/pending/remind-detus", data=YEAR, follow_redirects=True))
    assert "Vous ne pouvez pas relancer les directeurs des études." in refused
    nothing = text(login("referent").post("/reports/pending/remind-detus", data={**YEAR, "status": "draft"},
                                         follow_redirects=True))
    assert "Aucun contrat de cette liste n'attend de signature." in nothing
    assert detus_reminded(app) == []


def test_the_dashboard_of_the_demo_counts_the_detus_programmes_only(app, login):
    from app.campaign import current_year
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme

    page = text(login("detu").get("/contracts/dashboard/"))
    with app.app_context():
        signed = db.session.scalar(select(db.func.count(Contract.id)).join(Programme).where(
            Programme.step_code.in_(["L1MATH", "L2MATH"]), Contract.status == "signed",
            Contract.year == current_year()))
    assert re.search(rf'<th scope="row">Signé</th>\s*<td class="num">{signed}</td>', page)
    assert "L1MATH-101" in page and "L3MATH" not in page
