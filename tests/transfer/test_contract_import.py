"""Importing past contracts from Excel: all rows or none, bad rows listed with their reason, the same
file twice changes nothing, and this year's contract starts from an imported one."""
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, insert, select

from app.catalog.models import Settings
from app.contracts.models import Contract, ContractAccommodation, ContractEvent
from app.extensions import db
from app.people.models import Student
from app.transfer.template import COLUMNS

HEADER = [c.name for c in COLUMNS]


def workbook(rows, header=HEADER):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contrats")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Contract, ContractAccommodation, ContractEvent))


def import_file(app, tmp_path, rows, *extra):
    path = tmp_path / "contrats.xlsx"
    path.write_bytes(workbook(rows).getvalue())
    return app.test_cli_runner().invoke(args=["import", "contracts", str(path), *extra])


@pytest.fixture
def many_students(app):
    """1,000 more synced students, 22000000…22000999, for a file of 5,000 contracts (five years each)."""
    with app.app_context():
        db.session.execute(insert(Student), [
            {"student_number": f"2200{i:04d}", "last_name": f"Nom{i}", "first_name": "Prénom"} for i in range(1000)])
        db.session.commit()
        return db.session.get(Settings, 1).current_year


def five_thousand_rows(current):
    rows = []
    for i in range(1000):
        for age in range(1, 6):
            year = current - age
            rows.append([f"2200{i:04d}", year, "L1MATH-101", "signed", f"Projet {i} {year}", "RSE01:12; RSE07:6",
                         "Tutorat par un étudiant avancé:12", 10, date(year, 10, 15), "detu"])
    return rows


def test_5000_rows_with_3_bad_ones_are_refused_with_reasons_then_imported_once(app, tmp_path, many_students):
    rows = five_thousand_rows(many_students)
    rows[10][0] = "99999999"  # line 12: unknown student
    rows[2000][2] = "L9XXX-101"  # line 2002: unknown programme
    rows[4999][9] = None  # line 5001: signed without a signer
    with app.app_context():
        before = counts()
    result = import_file(app, tmp_path, rows)
    assert result.exit_code == 1
    assert "row 12: student_number: no synced student has the number '99999999'" in result.output
    assert "row 2002: programme: no synced programme has the code 'L9XXX-101'" in result.output
    assert "row 5001: a signed contract needs signed_on and signer" in result.output
    assert "Nothing imported from" in result.output and "3 problem(s) in 3 row(s) of 5000" in result.output
    with app.app_context():
        assert counts() == before

    rows[10][0], rows[2000][2], rows[4999][9] = "22000002", "L1MATH-101", "detu"
    result = import_file(app, tmp_path, rows)
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} contract(s) imported, 0 already here" in result.output
    with app.app_context():
        after = counts()
        assert after[0] == before[0] + len(rows)
        contract = db.session.scalar(select(Contract).join(Student).where(Student.student_number == "22000007",
                                                                          Contract.year == many_students - 3))
        assert (contract.status, contract.study_plan, contract.signed_by.username, contract.support_hours) == (
            "signed", f"Projet 7 {many_students - 3}", "detu", 10)
        assert sorted((a.accommodation.code, a.hours) for a in contract.accommodations) == [("RSE01", 12), ("RSE07", 6)]
        assert contract.signed_hash and [e.to_status for e in contract.events] == ["signed"]
    again = import_file(app, tmp_path, rows)
    assert f"0 contract(s) imported, {len(rows)} already here and unchanged" in again.output
    with app.app_context():
        assert counts() == after


def test_carry_over_from_an_imported_contract(app, login, tmp_path):
    with app.app_context():
        current = db.session.get(Settings, 1).current_year
        student2 = db.session.scalar(select(Student).join(Student.user).where(Student.user.has(username="student2")))
        number = student2.student_number
    result = import_file(app, tmp_path, [[number, current - 1, "L1MATH-101", "signé", "Devenir ingénieur du son.",
                                          "RSE08:20", "", None, date(current - 1, 11, 3), "detu"]])
    assert result.exit_code == 0, result.output
    student = login("student2")
    response = student.post("/my/contract/", data={"action": "start"})
    assert response.status_code == 302
    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.student.has(student_number=number),
                                                            Contract.year == current))
        assert contract.study_plan == "Devenir ingénieur du son."
        assert [a.accommodation.code for a in contract.accommodations] == ["RSE08"]


def test_a_different_contract_already_here_is_never_overwritten(app, tmp_path):
    with app.app_context():
        last_year = db.session.get(Settings, 1).current_year - 1
        signed = db.session.scalar(select(Contract).where(Contract.status == "signed", Contract.year == last_year))
        number, year, plan = signed.student.student_number, signed.year, signed.study_plan
    result = import_file(app, tmp_path, [[number, year, "L1MATH-101", "draft", "Autre projet", "", "", None, None, None]])
    assert result.exit_code == 1
    assert f"student {number} already has a different contract for {year}-{year + 1}" in result.output
    with app.app_context():
        assert db.session.scalar(select(Contract.study_plan).where(Contract.student.has(student_number=number),
                                                                   Contract.year == year)) == plan


def test_only_past_years_and_consistent_rows(app, tmp_path):
    with app.app_context():
        current = db.session.get(Settings, 1).current_year
        number = db.session.scalar(select(Student.student_number).order_by(Student.id).offset(5))
    result = import_file(app, tmp_path, [
        [number, current, "L1MATH-101", "draft", "", "", "", None, None, None],
        [number, current - 2, "L1MATH-101", "submitted", "", "RSE01:12; RSE01:4", "", None, date(current - 2, 10, 1), None],
        [number, current - 3, "L1MATH-101", "signed", "Projet", "RSE04", "", None, "2020-13-01", "detu"],
    ])
    for expected in (
        f"row 2: year: only past years are imported (before {current}-{current + 1})",
        "row 3: needs: RSE01 is listed twice",
        "row 4: signed_on: must be a date (YYYY-MM-DD)",
    ):
        assert expected in result.output
    result = import_file(app, tmp_path, [
        [number, current - 2, "L1MATH-101", "submitted", "", "", "", None, date(current - 2, 10, 1), None],
        [number, current - 3, "L1MATH-101", "signed", "Projet", "RSE04", "", None, date(current - 3, 10, 1), "detu"],
    ])
    assert "row 2: signed_on and signer are only for a signed contract" in result.output
    assert "row 2: study_plan: a validated or signed contract has a study plan" in result.output
    assert "row 3: needs: RSE04 needs an hour volume on a signed contract" in result.output


def test_a_file_that_is_not_the_template_is_refused_in_one_line(app, tmp_path):
    path = tmp_path / "contrats.xlsx"
    path.write_bytes(b"not a spreadsheet")
    result = app.test_cli_runner().invoke(args=["import", "contracts", str(path)])
    assert result.exit_code == 1 and "this is not an Excel file (.xlsx)" in result.output
    path.write_bytes(workbook([], header=["numero", "annee"]).getvalue())
    result = app.test_cli_runner().invoke(args=["import", "contracts", str(path)])
    assert "missing column(s) student_number, year" in result.output and "unknown column(s) numero, annee" in result.output


def test_the_referent_downloads_the_template_and_imports_from_the_page(app, login, tmp_path):
    referent = login("referent")
    response = referent.get("/transfer/contracts/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    assert "RSE01" in [row[0].value for row in book["Codes"].iter_rows()]
    with app.app_context():
        current = db.session.get(Settings, 1).current_year
        number = db.session.scalar(select(Student.student_number).order_by(Student.id).offset(7))
    good = [number, current - 4, "L1MATH-101", "signed", "Projet", "RSE01:12", "", 4, date(current - 4, 10, 1), "detu"]
    bad = ["00000000"] + good[1:]
    page = referent.post("/transfer/contracts/", data={"file": (workbook([good, bad]), "contrats.xlsx")},
                         content_type="multipart/form-data")
    assert page.status_code == 422
    assert "<td>3</td><td>student_number: no synced student has the number &#39;00000000&#39;</td>" in page.get_data(as_text=True)
    checked = referent.post("/transfer/contracts/", data={"file": (workbook([good]), "c.xlsx"), "dry_run": "1"},
                            content_type="multipart/form-data")
    assert checked.status_code == 200
    done = referent.post("/transfer/contracts/", data={"file": (workbook([good]), "c.xlsx")},
                         content_type="multipart/form-data")
    assert done.status_code == 200
    with app.app_context():
        contract = db.session.scalar(select(Contract).where(Contract.student.has(student_number=number),
                                                            Contract.year == current - 4))
        assert contract is not None
        assert contract.events[0].actor.username == "referent" and "c.xlsx" in contract.events[0].reason
    assert referent.post("/transfer/contracts/", data={}).status_code == 422
