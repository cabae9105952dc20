"""The documents too long to make during a request, and which contracts each holds.

Each maker runs in the scheduler process (``app.documents.tasks``) for the user who asked, selecting
the rows again through ``app.policy`` with that user's rights, and returns the ids of the contracts
the file holds (recorded in the read log when the file is downloaded); the views use the same
selections to decide between answering at once and queuing a task.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import policy
from app.contracts.models import Contract
from app.contracts.search import ContractSearch, visible_contracts_query
from app.documents import excel, pdf
from app.documents.scope import faculty_search
from app.documents.tasks import TaskRefused, register_kind
from app.extensions import db
from app.people.models import Faculty, Programme
from app.privacy.reads import EXPORT, ZIP

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULK_MAX = 3000  # a programme's contracts of a few years; more is a mistake in the filters


def count_of(query):
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def faculty_extraction_query(user, faculty_id, year):
    """A faculty's contracts (one year, or all when ``year`` is None) as ``user`` may extract them."""
    faculty = db.session.get(Faculty, faculty_id)
    if faculty is None or not policy.can_export_faculty(user, faculty.id):
        raise TaskRefused(_("You may no longer extract this faculty's contracts."))
    return visible_contracts_query(user, faculty_search(faculty, year))


def bulk_selection(user, search):
    """(programme, contract ids) of a ZIP of PDFs; TaskRefused with the reason when there is none."""
    if search.programme_id is None:
        raise TaskRefused(_("Choose a programme in the list's filters before downloading its PDFs."), 400)
    programme = db.session.get(Programme, search.programme_id)
    ids = db.session.scalars(visible_contracts_query(user, search).with_only_columns(Contract.id)).all()
    if programme is None or not ids:
        raise TaskRefused(_("No contract you may see matches these filters."))
    if len(ids) > BULK_MAX:
        raise TaskRefused(_("Too many contracts (%(num)s): narrow the filters (year, status).", num=len(ids)), 400)
    return programme, ids


def _extraction(user, params, query, path, progress):
    progress.total = count_of(query)
    progress(0, force=True)
    written = []
    with open(path, "wb") as out:
        excel.write_extraction(query, out, progress=progress, written=written)
    return written


def make_faculty_extraction(user, params, path, progress):
    query = faculty_extraction_query(user, params["faculty_id"], params["year"])
    return _extraction(user, params, query, path, progress)


def make_list_extraction(user, params, path, progress):
    return _extraction(user, params, visible_contracts_query(user, ContractSearch.from_args(params)), path, progress)


def make_bulk_zip(user, params, path, progress):
    programme, ids = bulk_selection(user, ContractSearch.from_args(params))
    progress.total = len(ids)
    stream = pdf.zip_of_pdfs(ids, f"ZIP {programme.code} for {user.username}")
    with open(path, "wb") as out:
        for done, chunk in enumerate(stream):  # one chunk per PDF, then the ZIP's directory
            out.write(chunk)
            progress(min(done + 1, len(ids)))
    return ids


def register():
    register_kind("faculty_xlsx", "xlsx", XLSX, make_faculty_extraction, EXPORT)
    register_kind("list_xlsx", "xlsx", XLSX, make_list_extraction, EXPORT)
    register_kind("bulk_zip", "zip", "application/zip", make_bulk_zip, ZIP)
