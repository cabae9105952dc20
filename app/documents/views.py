"""Downloads: a contract's PDF, a programme's PDFs as a ZIP, Excel extractions.

Thin views: which contracts comes from ``app.policy`` (through the list's own search for filtered
exports), what is written from ``pdf``, ``bulk`` and ``excel``.
"""
import tempfile
from datetime import date

from flask import Response, abort, current_app, g, request, send_file, stream_with_context, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app.catalog.service import current_year
from app.contracts.models import Contract
from app.contracts.search import ContractSearch, visible_contracts_query
from app.contracts.views import visible_contract_or_404
from app.documents import bulk, excel, pdf
from app.documents.names import ascii_slug
from app.documents.scope import faculty_search, parse_year
from app.extensions import db
from app.people.models import Faculty, Programme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULK_MAX = 3000  # a programme's contracts of a few years; more is a mistake in the filters


def _xlsx_response(query, filename):
    spool = tempfile.TemporaryFile()
    excel.write_extraction(query, spool)
    spool.seek(0)
    response = send_file(spool, mimetype=XLSX, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _bulk_selection():
    """(search, programme, contract ids) of a bulk request, or an error answer with its reason."""
    search = ContractSearch.from_args(request.args, default_year=current_year())  # as the list reads them
    if search.programme_id is None:
        abort(400, _("Choose a programme in the list's filters before downloading its PDFs."))
    programme = db.session.get(Programme, search.programme_id)
    ids = db.session.scalars(visible_contracts_query(g.user, search).with_only_columns(Contract.id)).all()
    if programme is None or not ids:
        abort(404, _("No contract you may see matches these filters."))
    if len(ids) > BULK_MAX:
        abort(400, _("Too many contracts (%(num)s): narrow the filters (year, status).", num=len(ids)))
    return search, programme, ids


class ContractDocumentsView(BaseView):
    route_base = "/contracts"
    method_permission_name = {"pdf": "pdf", "bulk_page": "bulk", "bulk_zip": "bulk", "list_xlsx": "export"}

    @expose("/<int:pk>/pdf")
    @has_access
    def pdf(self, pk):
        contract = visible_contract_or_404(pk)
        response = Response(pdf.contract_pdf(contract), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{pdf.pdf_filename(contract)}"'
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/bulk/")
    @has_access
    def bulk_page(self):
        search, programme, ids = _bulk_selection()
        return self.render_template(
            "documents/bulk.html", programme=programme, count=len(ids), search=search,
            zip_url=url_for(".bulk_zip", **search.as_args()), filename=_bulk_filename(programme, search),
        )

    @expose("/bulk.zip")
    @has_access
    def bulk_zip(self):
        search, programme, ids = _bulk_selection()
        workers = min(bulk.worker_count(current_app.config.get("PDF_WORKERS", 0)), len(ids))
        stream = bulk.zip_stream(pdf.html_entries(ids), workers=workers, total=len(ids),
                                 label=f"ZIP {programme.code} for {g.user.username}")
        response = Response(stream_with_context(stream), mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{_bulk_filename(programme, search)}"'
        response.headers["X-Contract-Count"] = str(len(ids))
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/export.xlsx")
    @has_access
    def list_xlsx(self):
        """Exactly what the staff list selects with the same filters."""
        search = ContractSearch.from_args(request.args, default_year=current_year())
        return _xlsx_response(visible_contracts_query(g.user, search), f"contrats-{date.today():%Y%m%d}.xlsx")


def _bulk_filename(programme, search):
    year = f"-{search.year}" if search.year else ""
    status = f"-{search.status}" if search.status else ""
    return f"contrats-{ascii_slug(programme.code)}{year}{status}.zip"


class ExportView(BaseView):
    """Per-faculty extractions (registrars: their faculties; referents and admins: all)."""

    route_base = "/exports"
    default_view = "index"
    method_permission_name = {"index": "extract", "faculty_xlsx": "extract"}

    @expose("/")
    @has_access
    def index(self):
        allowed = policy.exportable_faculty_ids(g.user)
        query = select(Faculty).order_by(Faculty.code)
        if allowed is not None:
            query = query.where(Faculty.id.in_(allowed))
        faculties = db.session.scalars(query).all()
        counts = dict(db.session.execute(
            select(Programme.faculty_id, func.count(Contract.id))
            .join(Contract, Contract.programme_id == Programme.id)
            .where(Contract.year == current_year())
            .group_by(Programme.faculty_id)
        ).all())
        return self.render_template("documents/exports.html", faculties=faculties, counts=counts,
                                    year=current_year())

    @expose("/faculty/<code>.xlsx")
    @has_access
    def faculty_xlsx(self, code):
        faculty = db.session.scalar(select(Faculty).where(Faculty.code == code))
        if faculty is None or not policy.can_export_faculty(g.user, faculty.id):
            abort(404)
        try:
            year = parse_year(request.args.get("year"))
        except ValueError:
            abort(400, _("The year must be an academic year such as 2026, or « all »."))
        search = faculty_search(faculty, year)
        suffix = year if year is not None else "toutes-annees"
        return _xlsx_response(visible_contracts_query(g.user, search),
                              f"contrats-{ascii_slug(faculty.code)}-{suffix}.xlsx")


def register(appbuilder):
    appbuilder.add_view_no_menu(ContractDocumentsView)
    appbuilder.add_view(ExportView, "Extractions", label=_l("Excel extractions"), icon="fa-file-excel",
                        category="Contracts", category_label=_l("Contracts"))
