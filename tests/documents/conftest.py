"""Helpers for the documents tests: demo rows by status and step, PDFs read back as text (a student's
contract: ``tests.conftest.contract_of``)."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def first(status, step, year=None):
    from app.catalog.models import Settings
    from app.contracts.models import Contract
    from app.extensions import db
    from app.people.models import Programme

    year = year or db.session.get(Settings, 1).current_year
    return db.session.scalar(
        select(Contract).join(Programme, Contract.programme_id == Programme.id)
        .where(Contract.status == status, Programme.step_code == step, Contract.year == year)
        .order_by(Contract.id)
    )


def programme_id(step):
    from app.extensions import db
    from app.people.models import Programme

    return db.session.scalar(select(Programme.id).where(Programme.step_code == step))


@pytest.fixture
def within(app):
    """``with within():`` an app context of its own, closed before any test-client request."""
    def _within():
        return app.app_context()

    return _within
