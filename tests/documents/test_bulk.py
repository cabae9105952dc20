"""A programme's PDFs as one ZIP: exactly the list's selection, one PDF per contract, streamed."""
import io
import zipfile


from app.catalog.models import Settings
from app.contracts.search import ContractSearch, visible_contracts_query
from app.documents import bulk
from app.extensions import db
from tests.documents.conftest import pdf_text, programme_id

# The parallel path, even on a one-core machine; English texts (French is tested in tests/test_i18n.py).
APP_CONFIG = {"PDF_WORKERS": 2, "BABEL_DEFAULT_LOCALE": "en"}


def listed(app, username, **filters):
    """What the staff list shows this user for these filters: [(student number, year)]."""
    with app.test_request_context():
        from flask import g

        g.user = app.appbuilder.sm.find_user(username=username)
        year = db.session.get(Settings, 1).current_year  # the list's default, like the ZIP's
        search = ContractSearch.from_args({k: str(v) for k, v in filters.items()}, default_year=year)
        query = visible_contracts_query(g.user, search)
        return [(c.student.student_number, c.year) for c in db.session.scalars(query).unique()]


def test_the_zip_holds_one_pdf_per_contract_the_list_selects(app, login):
    with app.app_context():
        l1math, year = programme_id("L1MATH"), db.session.get(Settings, 1).current_year
    expected = listed(app, "detu", programme=l1math, year=year)
    assert len(expected) > 4
    response = login("detu").get(f"/contracts/bulk.zip?programme={l1math}&year={year}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    assert response.headers["X-Contract-Count"] == str(len(expected))
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert [(name.split("-")[1], int(name.split("-")[0])) for name in names] == expected
    first = archive.read(names[0])
    assert first.startswith(b"%PDF-")
    assert expected[0][0] in pdf_text(first)


def test_the_list_filters_narrow_the_zip(app, login):
    with app.app_context():
        l1math = programme_id("L1MATH")
    signed = listed(app, "detu", programme=l1math, status="signed")
    everything = listed(app, "detu", programme=l1math)
    assert 0 < len(signed) < len(everything)
    data = login("detu").get(f"/contracts/bulk.zip?programme={l1math}&status=signed").data
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == len(signed)


def test_a_programme_is_required_and_foreign_programmes_give_nothing(app, login):
    client = login("detu")
    refused = client.get("/contracts/bulk.zip")
    assert refused.status_code == 400 and b"Choose a programme" in refused.data
    with app.app_context():
        l1letm = programme_id("L1LETM")
    assert client.get(f"/contracts/bulk.zip?programme={l1letm}").status_code == 404
    assert login("registrar").get(f"/contracts/bulk.zip?programme={l1letm}").status_code == 403


def test_the_bulk_page_offers_the_download_with_its_count(app, login):
    with app.app_context():
        l1math = programme_id("L1MATH")
    expected = listed(app, "detu", programme=l1math, status="signed")
    page = login("detu").get(f"/contracts/bulk/?programme={l1math}&status=signed")
    assert page.status_code == 200
    assert f'data-count="{len(expected)}"'.encode() in page.data
    assert f"/contracts/bulk.zip?programme={l1math}&amp;status=signed".encode() in page.data


def test_the_list_links_to_its_zip_and_excel_exports(app, login):
    with app.app_context():
        l1math = programme_id("L1MATH")
    page = login("detu").get(f"/contracts/list/?programme={l1math}&status=signed").data
    assert f"/contracts/bulk/?programme={l1math}&amp;status=signed".encode() in page
    assert f"/contracts/export.xlsx?programme={l1math}&amp;status=signed".encode() in page
    assert b"/contracts/bulk/" not in login("detu").get("/contracts/list/").data  # no programme chosen
    assert b"/contracts/export.xlsx" not in login("teacher").get("/contracts/list/").data


def test_parallel_rendering_keeps_the_order():
    entries = [(f"{i:02d}.pdf", f"<html><body><p>Contrat numéro {i}</p></body></html>") for i in range(6)]
    data = b"".join(bulk.zip_stream(iter(entries), workers=2))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == [name for name, _ in entries]
    for index, name in enumerate(archive.namelist()):
        assert f"Contrat numéro {index}" in pdf_text(archive.read(name))


def test_the_zip_starts_before_the_last_pdf_is_rendered():
    rendered = []

    def entries():
        for i in range(4):
            rendered.append(i)
            yield f"{i}.pdf", f"<p>{i}</p>"

    stream = bulk.zip_stream(entries(), workers=1)
    first_chunk = next(stream)
    assert first_chunk.startswith(b"PK\x03\x04") and rendered == [0]
    rest = b"".join(stream)
    assert len(zipfile.ZipFile(io.BytesIO(first_chunk + rest)).namelist()) == 4


def test_worker_count_follows_the_setting_or_the_cores():
    assert bulk.worker_count(3) == 3
    assert bulk.worker_count(0) >= 1


