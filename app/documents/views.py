"""Downloads: a contract's PDF, a programme's PDFs as a ZIP, Excel extractions.

Thin views: which contracts comes from ``app.policy`` (through the list's own search for filtered
exports), what is written from ``pdf``, ``bulk`` and ``excel``. What would hold a web worker more
than a moment is prepared by the scheduler process instead (``tasks``): the answer is then a page
that follows its progress.
"""
import os
import tempfile
from datetime import date

from flask import (
    Response, abort, current_app, g, jsonify, redirect, request, send_file, stream_with_context, url_for,
)
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.campaign import current_year
from app.contracts.models import Contract
from app.contracts.search import ContractSearch, visible_contracts_query
from app.contracts.views import visible_contract_or_404
from app.documents import excel, pdf, tasks
from app.documents.jobs import latest_export
from app.documents.models import DONE, QUEUED, RUNNING, DocumentTask
from app.documents.names import ascii_slug
from app.documents.prepared import XLSX, TaskRefused, bulk_selection, count_of, faculty_extraction_query
from app.documents.scope import parse_year
from app.extensions import db
from app.jobs.lease import Lease
from app.people.models import Faculty, Programme
from app.privacy.files import record_download
from app.privacy.reads import EXPORT, NIGHTLY, PDF, ZIP, record_read, record_reads

def _xlsx_response(query, filename):
    spool, written = tempfile.TemporaryFile(), []
    excel.write_extraction(query, spool, written=written)
    record_reads(written, EXPORT)  # the rows the file holds (app.privacy)
    spool.seek(0)
    response = send_file(spool, mimetype=XLSX, as_attachment=True, download_name=filename)
    return response


def _prepare(kind, params, filename):
    """Queue the document for the scheduler and send the user to the page that follows it."""
    language = str(get_locale() or "fr")[:2]
    task = tasks.submit(g.user, kind, params, filename, language)
    return redirect(url_for("DocumentTaskView.show", pk=task.id), code=303)


def _extraction(kind, params, query, filename):
    """Small extractions at once; larger ones prepared off the request."""
    if count_of(query) <= current_app.config["EXPORT_INLINE_ROWS"]:
        return _xlsx_response(query, filename)
    return _prepare(kind, params, filename)


def _bulk_selection():
    """(search, programme, contract ids) of a bulk request, or an error answer with its reason."""
    search = ContractSearch.from_args(request.args, default_year=current_year())  # as the list reads them
    try:
        programme, ids = bulk_selection(g.user, search)
    except TaskRefused as exc:
        abort(exc.status, str(exc))
    return search, programme, ids


def _inline_zip(count):
    return count <= current_app.config["BULK_INLINE_PDFS"]


class ContractDocumentsView(BaseView):
    route_base = "/contracts"
    method_permission_name = {"pdf": "pdf", "bulk_page": "bulk", "bulk_zip": "bulk", "list_xlsx": "export"}

    @expose("/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        contract = visible_contract_or_404(pk)
        record_read(contract, PDF)
        response = Response(pdf.contract_pdf(contract), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{pdf.pdf_filename(contract)}"'
        return response

    @expose("/bulk/")
    @has_access
    def bulk_page(self):
        search, programme, ids = _bulk_selection()
        return self.render_template(
            "documents/bulk.html", programme=programme, count=len(ids), search=search,
            zip_url=url_for(".bulk_zip", **search.as_args()), filename=_bulk_filename(programme, search),
            inline=_inline_zip(len(ids)),
        )

    @expose("/bulk.zip")
    @has_access
    def bulk_zip(self):
        search, programme, ids = _bulk_selection()
        if not _inline_zip(len(ids)):
            return _prepare("bulk_zip", search.as_args(), _bulk_filename(programme, search))
        record_reads(ids, ZIP)
        stream = pdf.zip_of_pdfs(ids, f"ZIP {programme.code} for {g.user.username}")
        response = Response(stream_with_context(stream), mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{_bulk_filename(programme, search)}"'
        response.headers["X-Contract-Count"] = str(len(ids))
        return response

    @expose("/export.xlsx")
    @has_access
    def list_xlsx(self):
        """Exactly what the staff list selects with the same filters."""
        search = ContractSearch.from_args(request.args, default_year=current_year())
        return _extraction("list_xlsx", search.as_args(), visible_contracts_query(g.user, search),
                           f"contrats-{date.today():%Y%m%d}.xlsx")


def _bulk_filename(programme, search):
    year = f"-{search.year}" if search.year else ""
    status = f"-{search.status}" if search.status else ""
    return f"contrats-{ascii_slug(programme.code)}{year}{status}.zip"


class ExportView(BaseView):
    """Per-faculty extractions (registrars: their faculties; referents and admins: all)."""

    route_base = "/exports"
    default_view = "index"
    method_permission_name = {"index": "extract", "faculty_xlsx": "extract", "nightly_xlsx": "extract"}

    @expose("/")
    @has_access
    def index(self):
        allowed = policy.exportable_faculty_ids(g.user)
        query = select(Faculty).order_by(Faculty.code)
        if allowed is not None:
            query = query.where(Faculty.id.in_(allowed))
        faculties = db.session.scalars(query).all()
        year = current_year()
        counts = dict(db.session.execute(
            select(Programme.faculty_id, func.count(Contract.id))
            .join(Contract, Contract.programme_id == Programme.id)
            .where(Contract.year == year)
            .group_by(Programme.faculty_id)
        ).all())
        nightly = {f.id: latest_export(f, year) for f in faculties}
        return self.render_template("documents/exports.html", faculties=faculties, counts=counts, year=year,
                                    nightly={k: v for k, v in nightly.items() if v})

    def _faculty_or_404(self, code):
        faculty = db.session.scalar(select(Faculty).where(Faculty.code == code))
        if faculty is None or not policy.can_export_faculty(g.user, faculty.id):
            abort(404)
        return faculty

    @expose("/faculty/<code>.xlsx")
    @has_access
    def faculty_xlsx(self, code):
        faculty = self._faculty_or_404(code)
        try:
            year = parse_year(request.args.get("year"))
        except ValueError:
            abort(400, _("The year must be an academic year such as 2026, or « all »."))
        suffix = year if year is not None else "toutes-annees"
        return _extraction("faculty_xlsx", {"faculty_id": faculty.id, "year": year},
                           faculty_extraction_query(g.user, faculty.id, year),
                           f"contrats-{ascii_slug(faculty.code)}-{suffix}.xlsx")

    @expose("/faculty/<code>/nightly.xlsx")
    @has_access
    def nightly_xlsx(self, code):
        """Last night's file of the current year, written by the scheduler: no wait at all."""
        faculty = self._faculty_or_404(code)
        year = current_year()
        path = latest_export(faculty, year)
        if path is None:
            abort(404, _("No nightly extraction of this faculty yet."))
        record_download(path, NIGHTLY)  # exactly the contracts the file holds (app.privacy)
        response = send_file(path, mimetype=XLSX, as_attachment=True, download_name=os.path.basename(path))
        return response


class DocumentTaskView(BaseView):
    """A document being prepared off the request: its progress, then the file (its owner alone)."""

    route_base = "/documents"
    method_permission_name = {"show": "follow", "download": "follow"}

    def _own_task_or_404(self, pk):
        task = db.session.get(DocumentTask, pk)
        if task is None or task.user_id != g.user.id:
            abort(404)
        return task

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        task = self._own_task_or_404(pk)
        if request.args.get("format") == "json":
            return jsonify(status=task.status, done=task.done, total=task.total, text=_task_text(task))
        waiting = task.status in (QUEUED, RUNNING)
        no_scheduler = waiting and Lease(current_app.config["SCHEDULER_LOCK_TTL"]).current() is None
        return self.render_template("documents/task.html", task=task, status_text=_task_text(task),
                                    no_scheduler=no_scheduler,
                                    keep_hours=current_app.config["DOCUMENT_TASK_KEEP_HOURS"])

    @expose("/<int:pk>/file")
    @has_access
    def download(self, pk):
        task = self._own_task_or_404(pk)
        path = tasks.file_path(task)
        if task.status != DONE or not os.path.exists(path):
            abort(404, _("This document is not ready, or it has expired: ask for it again."))
        record_download(path, tasks.kind_of(task).channel)  # the read log (app.privacy)
        response = send_file(path, mimetype=tasks.kind_of(task).mimetype, as_attachment=True,
                             download_name=task.filename)
        return response


def _task_text(task):
    if task.status == QUEUED:
        return _("Waiting for its turn…")
    if task.status == RUNNING and task.total:
        return _("%(done)s of %(total)s contracts…", done=task.done, total=task.total)
    if task.status == RUNNING:
        return _("Started…")
    return task.error or _("Ready.")


def register(appbuilder):
    appbuilder.add_view_no_menu(ContractDocumentsView)
    appbuilder.add_view_no_menu(DocumentTaskView)
    appbuilder.add_view(ExportView, "Extractions", label=_l("Excel extractions"), icon="fa-file-excel",
                        category="Contracts", category_label=_l("Contracts"))
