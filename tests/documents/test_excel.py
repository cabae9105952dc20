"""Excel extractions read back with openpyxl: columns, rows in scope, filters, neutralised formulas, dates."""
import io
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from app.catalog.models import Accommodation, Settings
from app.contracts.models import Contract, ContractAccommodation
from app.documents import jobs
from app.extensions import db
from app.people.models import Faculty, Programme
from app.spreadsheet import safe_text
from tests.conftest import contract_of
from tests.documents.conftest import first, programme_id

# These tests read the English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}


def read(data):
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    contracts, items = book.worksheets
    header = [c.value for c in contracts[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in contracts.iter_rows(min_row=2)]
    item_header = [c.value for c in items[1]]
    item_rows = [dict(zip(item_header, (c.value for c in row))) for row in items.iter_rows(min_row=2)]
    return book, header, rows, item_rows


def faculty_contracts(code, year=None):
    query = (select(Contract).join(Programme, Contract.programme_id == Programme.id)
             .join(Faculty, Programme.faculty_id == Faculty.id).where(Faculty.code == code))
    if year is not None:
        query = query.where(Contract.year == year)
    return db.session.scalars(query).unique().all()


def test_faculty_extraction_has_every_contract_of_the_year_and_no_study_plan(app, login):
    with app.app_context():
        year = db.session.get(Settings, 1).current_year
        contracts = faculty_contracts("SCI", year)
        expected_ids = sorted(c.id for c in contracts)
        study_plans = {c.study_plan for c in contracts if c.study_plan}
        items = sum(len(c.accommodations) + len(c.remediations) for c in contracts)
        signed = next(c for c in contracts if c.status == "signed")
        signed_id, signed_hash = signed.id, signed.signed_hash
        # Stored in UTC, extracted in the institution's time zone.
        signed_local = (signed.signed_at.replace(tzinfo=timezone.utc, microsecond=0)
                        .astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None))
    response = login("registrar").get("/exports/faculty/SCI.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    book, header, rows, item_rows = read(response.data)

    assert sorted(r["Contract id"] for r in rows) == expected_ids
    assert not any("plan" in h.lower() for h in header)
    assert study_plans and not any(v in study_plans for r in rows for v in r.values())
    assert {"Specific needs", "Remediations", "Subject support hours", "Courses taken in advance",
            "Features of the path", "Charter accepted", "Gap period", "Double enrolment: programme",
            "Reorientation", "Signed by"} <= set(header)
    row = next(r for r in rows if r["Contract id"] == signed_id)
    assert isinstance(row["Signed on"], datetime) and isinstance(row["Started on"], datetime)
    assert row["Signed on"] == signed_local
    assert row["Year"] == year and isinstance(row["Subject support hours"], (int, float))
    assert row["Fingerprint at signature"] == signed_hash and row["Signed by"] == "Denise Directrice"
    assert len(item_rows) == items and all(isinstance(r["Hours"], (int, float, type(None))) for r in item_rows)

    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
    assert sheet["A1"].font.b and sheet.column_dimensions["D"].width > 10


def test_all_years_and_bad_year(app, login):
    client = login("referent")
    with app.app_context():
        every = len(faculty_contracts("LET"))
    assert len(read(client.get("/exports/faculty/LET.xlsx?year=all").data)[2]) == every
    refused = client.get("/exports/faculty/LET.xlsx?year=nineteen")
    assert refused.status_code == 400 and b"academic year" in refused.data
    assert client.get("/exports/faculty/NOPE.xlsx").status_code == 404


def test_a_registrar_extracts_only_their_faculties(app, login):
    client = login("registrar")
    assert client.get("/exports/faculty/LET.xlsx").status_code == 404
    page = client.get("/exports/").data
    assert b"/exports/faculty/SCI.xlsx" in page and b"/exports/faculty/LET.xlsx" not in page


def test_the_list_export_is_exactly_what_the_filters_select(app, login):
    with app.app_context():
        l1math = programme_id("L1MATH")
    client = login("detu")
    for filters in (f"programme={l1math}&status=submitted", "status=signed", f"q=Martin&programme={l1math}", ""):
        page_ids = _list_ids(client, filters)
        rows = read(client.get(f"/contracts/export.xlsx?{filters}").data)[2]
        assert [r["Contract id"] for r in rows] == page_ids, filters
    # A DETU's export never leaves their programmes, whatever the URL asks.
    with app.app_context():
        l1letm = programme_id("L1LETM")
    assert read(client.get(f"/contracts/export.xlsx?programme={l1letm}").data)[2] == []


def _list_ids(client, filters):
    import re

    html = client.get(f"/contracts/list/?{filters}&psize_ContractsView=100").data.decode()
    ids = []
    for found in re.findall(r'href="/contracts/show/(\d+)"', html):  # a row links twice to its contract
        if int(found) not in ids:
            ids.append(int(found))
    return ids


def test_a_health_related_need_is_never_a_selection_key(app, login):
    with app.app_context():
        health = db.session.scalar(select(Accommodation.id).where(Accommodation.health_related.is_(True)))
        contract = contract_of("student")
        contract.accommodations.append(ContractAccommodation(accommodation_id=health))
        db.session.commit()
    rows = read(login("referent").get(f"/contracts/export.xlsx?accommodation={health}").data)[2]
    assert rows == []


def test_formula_looking_values_are_neutralised(app, login):
    with app.app_context():
        contract = first("signed", "L1MATH")
        contract.path_notes = '=HYPERLINK("http://evil.example","clic")'
        contract.needs_details = "+33 6 12 34 56 78"
        contract.gap_year_details = "@SUM(A1)"
        contract.student.first_name = "-Jean"
        contract.second_programme_label = "\tTab\x07bell"
        db.session.commit()
        pk = contract.id
    book = load_workbook(io.BytesIO(login("registrar").get("/exports/faculty/SCI.xlsx").data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == pk)
    cells = dict(zip(header, row))
    assert cells["Features of the path"].value == "'" + '=HYPERLINK("http://evil.example","clic")'
    assert cells["Features of the path"].data_type == "s"
    assert cells["Specific needs: details"].value == "'+33 6 12 34 56 78"
    assert cells["Gap period details"].value == "'@SUM(A1)"
    assert cells["First name"].value == "'-Jean"
    assert cells["Double enrolment: programme"].value == "'\tTabbell"
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("\rcmd") == "'\rcmd"
    assert safe_text("Licence 1 – Maths") == "Licence 1 – Maths"
    assert safe_text("") == "" and safe_text(None) is None


def test_export_command(app, tmp_path):
    out = tmp_path / "sci.xlsx"
    result = app.test_cli_runner().invoke(args=["export", "--faculty", "SCI", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        year = db.session.get(Settings, 1).current_year
        expected = len(faculty_contracts("SCI", year))
    assert len(read(str(out))[2]) == expected
    assert f"{expected} contract(s) of faculty SCI" in result.output
    for args, message in (
        (["--faculty", "XYZ", "--out", str(out)], "Unknown faculty 'XYZ'"),
        (["--faculty", "SCI", "--out", str(tmp_path / "missing" / "x.xlsx")], "does not exist"),
        (["--faculty", "SCI", "--out", str(out), "--year", "soon"], "--year must be"),
    ):
        failed = app.test_cli_runner().invoke(args=["export"] + args)
        assert failed.exit_code == 1 and message in failed.output
        assert len(failed.output.strip().splitlines()) == 1 and "Traceback" not in failed.output


def test_nightly_extractions_keep_the_last_files(app, tmp_path):
    saved = {k: app.config[k] for k in ("EXPORT_DIR", "EXPORT_KEEP")}
    app.config.update(EXPORT_DIR=str(tmp_path), EXPORT_KEEP=2)
    try:
        with app.app_context():
            for day in (1, 2, 3):
                jobs.write_faculty_exports(now=datetime(2026, 12, day, 2, 30))
        files = sorted(os.listdir(tmp_path))
        kept = [f"conpere-SCI-{y}-2026120{d}-023000.xlsx" for y, d in ((_year(app), 2), (_year(app), 3))]
        # Each file with the list of the contracts it holds (the read log, app.privacy.files).
        assert [f for f in files if f.startswith("conpere-SCI-")] == [n for f in kept for n in (f, f + ".ids")]
        assert len([f for f in files if f.startswith("conpere-LET-") and f.endswith(".xlsx")]) == 2
        assert not any(f.startswith(".") for f in files)
    finally:
        app.config.update(saved)


def _year(app):
    with app.app_context():
        return db.session.get(Settings, 1).current_year
