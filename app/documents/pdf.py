"""The contract as a PDF: one fixed layout (templates/documents/contract.html), rendered by WeasyPrint.

The wording is fixed; the institution's name, logo and charter come from the settings. Never the
counsellor's comment.
"""
import base64

from flask import current_app, render_template
from flask_babel import format_decimal, get_locale
from sqlalchemy import select

from app.catalog.logo import image_type
from app.campaign import current_settings
from app.contracts import document, labels, loading
from app.contracts.models import Contract
from app.documents.names import ascii_slug
from app.documents.pdf_engine import html_to_pdf
from app.documents.typography import french_html, french_text
from app.extensions import db
from app.ui.sanitize import clean_html


def logo_data_uri(data):
    kind = image_type(data)
    if kind is None:
        return None
    return f"data:image/{kind};base64,{base64.b64encode(data).decode('ascii')}"


class Anonymised(ValueError):
    """An anonymised contract is never printed again (data protection: app.privacy.retention)."""


def contract_context(contract):
    """What the template prints: the contract's document, frozen at the signature (app.contracts.document)."""
    if contract.anonymised_at is not None:
        raise Anonymised(f"contract {contract.id} is anonymised: it is never printed again")
    settings = current_settings()
    french = str(get_locale() or "fr").startswith("fr")
    shown = document.of(contract)
    c = document.view(shown, contract)
    charter = clean_html(c.charter_text) if c.charter_accepted and c.charter_text else ""
    return {
        "c": c,
        "settings": settings,
        "logo": logo_data_uri(settings.logo),
        "labels": labels,
        "year_label": labels.year_label,
        "locale": str(get_locale() or "fr"),
        "validated_by": c.validated_by,
        "validated_at": c.validated_at,
        "document_hash": document.fingerprint(shown),
        "charter_html": french_html(charter) if french else charter,
        "typo": french_text if french else (lambda text: text),
        "number": lambda value: "" if value is None else format_decimal(value),
    }


def contract_html(contract):
    return render_template("documents/contract.html", **contract_context(contract))


def contract_pdf(contract):
    return html_to_pdf(contract_html(contract))


def pdf_filename(contract):
    """``2026-22600001-MARTIN-Camille.pdf``: ASCII, safe in a ZIP and a Content-Disposition."""
    student = contract.student
    parts = [str(contract.year), student.student_number, ascii_slug(student.last_name).upper(),
             ascii_slug(student.first_name)]
    if contract.kind != "initial":
        parts.append(contract.kind)
    return "-".join(p for p in parts if p) + ".pdf"


def zip_of_pdfs(contract_ids, label):
    """The bytes of a ZIP of the contracts' PDFs, streamed; PDF_WORKERS processes (else one per core)
    render them, never more than there are PDFs."""
    from app.documents import bulk

    workers = min(bulk.worker_count(current_app.config["PDF_WORKERS"]), len(contract_ids))
    return bulk.zip_stream(html_entries(contract_ids), workers=workers, total=len(contract_ids), label=label)


def html_entries(contract_ids, chunk=20):
    """(file name, html) of each contract, loading them a few at a time (for bulk rendering).

    The session's identity map holds rows weakly: rendered contracts are freed as we go."""
    for start in range(0, len(contract_ids), chunk):
        ids = contract_ids[start:start + chunk]
        contracts = {
            c.id: c
            for c in db.session.scalars(select(Contract).where(Contract.id.in_(ids)).options(*loading.document())).unique()
        }
        for contract_id in ids:
            contract = contracts.get(contract_id)
            if contract is not None:
                yield pdf_filename(contract), contract_html(contract)
