"""The contract PDF: what it shows (and never shows), who may fetch it, how it is printed."""
import io
import struct
import zlib

from pypdf import PdfReader

from app.catalog.models import Settings
from app.contracts import labels
from app.extensions import db
from tests.conftest import contract_of
from tests.documents.conftest import first, pdf_text

# These tests read the English texts; French rendering is tested in tests/test_i18n.py.
APP_CONFIG = {"BABEL_DEFAULT_LOCALE": "en"}

SECRET = "Commentaire-confidentiel-du-conseiller"


def tiny_png():
    """A valid 2×2 PNG, built by hand."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x1f\x3a\x5f" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_signed_contract_pdf_shows_the_contract_and_never_the_comment(app, login):
    with app.app_context():
        contract = first("signed", "L1MATH")
        contract.comment = SECRET
        contract.path_notes = "Tutorat le mardi : groupe « TD aménagé » !"
        db.session.commit()
        pk, number, programme = contract.id, contract.student.student_number, contract.programme.label
        last_name, signed_hash, submitted_hash = contract.student.last_name, contract.signed_hash, contract.submitted_hash
        institution = db.session.get(Settings, 1).institution_name
        sections = [str(title) for _, title in labels.SECTIONS]

    response = login("detu").get(f"/contracts/{pk}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    assert response.headers["Cache-Control"] == "no-store"  # never kept by a shared computer's browser
    text = pdf_text(response.data).replace("\n", " ")
    for expected in (last_name, number, programme, institution, signed_hash, submitted_hash, "Denise Directrice"):
        assert expected in text
    positions = [text.index(title) for title in sections]
    assert positions == sorted(positions), "sections must follow the legal order"
    assert SECRET not in text and "Commentaire" not in text


def test_french_typography_and_accents(app, login):
    with app.app_context():
        contract = first("submitted", "L1MATH")  # a signed contract prints what was signed
        contract.path_notes = "Tutorat le mardi : groupe « TD aménagé » !"
        db.session.commit()
        pk = contract.id
    client = login("detu")
    client.get("/lang/fr")  # French typography applies to the French document
    text = pdf_text(client.get(f"/contracts/{pk}/pdf").data)
    assert "Contrat pédagogique pour la réussite étudiante" in text
    assert "Tutorat le mardi\u00a0: groupe «\u00a0TD aménagé\u00a0»\u202f!" in text
    assert "Mathématiques" in text


def test_pdf_is_a4_with_embedded_fonts_and_page_numbers(app, login):
    with app.app_context():
        pk = first("signed", "L1MATH").id
    data = login("detu").get(f"/contracts/{pk}/pdf").data
    reader = PdfReader(io.BytesIO(data))
    fonts = []
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1  # A4 in points
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            fonts.append((font["/BaseFont"], any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert all("DejaVu" in str(name) for name, _ in fonts)
    total = len(reader.pages)
    assert f"Page {total} / {total}" in pdf_text(data)


def test_a_draft_is_marked_not_signed(app, login):
    with app.app_context():
        contract = contract_of("student")
        pk, status = contract.id, contract.status
    assert status == "draft"
    text = pdf_text(login("student").get(f"/contracts/{pk}/pdf").data)
    assert "Not signed" in text and "Not validated yet." in text and "at signature" not in text


def test_logo_uploaded_in_the_settings_is_printed(app, login):
    referent = login("referent")
    with app.app_context():
        settings = db.session.get(Settings, 1)
        form = {c: getattr(settings, c) for c in ("institution_name", "current_year", "diploma_types",
                                                   "charter_html", "contact_email", "detu_notification",
                                                   "retention_years", "read_log_retention_months",
                                                   "identity_retention_years", "personal_log_retention_months")}
        form.update(reorientation_allowed="y" if settings.reorientation_allowed else "",
                    reorientation_profile_code=settings.reorientation_profile_code or "", pec_url="",
                    reminder_days="7")
        pk = first("signed", "L1MATH").id

    assert b"No logo" in referent.get("/settingsview/show/1").data
    refused = referent.post("/settingsview/edit/1", data=dict(form, logo=(io.BytesIO(b"not an image"), "logo.txt")),
                            content_type="multipart/form-data")
    assert refused.status_code == 200 and b"PNG or JPEG" in refused.data
    with app.app_context():
        assert db.session.get(Settings, 1).logo is None

    saved = referent.post("/settingsview/edit/1", data=dict(form, logo=(io.BytesIO(tiny_png()), "logo.png")),
                          content_type="multipart/form-data")
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Settings, 1).logo == tiny_png()
    assert b"PNG (1 KB)" in referent.get("/settingsview/show/1").data
    # Saving again without a file keeps the logo.
    referent.post("/settingsview/edit/1", data=form, content_type="multipart/form-data")
    with app.app_context():
        assert db.session.get(Settings, 1).logo == tiny_png()

    reader = PdfReader(io.BytesIO(login("detu").get(f"/contracts/{pk}/pdf").data))
    images = [name for name, obj in reader.pages[0]["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images


def test_a_student_gets_only_their_own_pdf(app, login):
    with app.app_context():
        own, other = contract_of("student").id, first("signed", "L1MATH").id
    client = login("student")
    assert client.get(f"/contracts/{own}/pdf").status_code == 200
    assert client.get(f"/contracts/{other}/pdf").status_code == 404
    assert login("student2").get(f"/contracts/{own}/pdf").status_code == 404


def test_a_detu_of_another_programme_gets_no_pdf(app, login):
    with app.app_context():
        l1math = first("signed", "L1MATH").id
    assert login("detu2").get(f"/contracts/{l1math}/pdf").status_code == 404
    assert login("detu").get(f"/contracts/{l1math}/pdf").status_code == 200


def test_the_pdf_link_is_on_the_staff_and_student_pages(app, login):
    with app.app_context():
        pk = contract_of("student").id
    assert f'href="/contracts/{pk}/pdf"'.encode() in login("detu").get(f"/contracts/show/{pk}").data
    assert f'href="/contracts/{pk}/pdf"'.encode() in login("student").get(f"/my/contracts/{pk}").data
