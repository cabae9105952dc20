"""Data protection pages: the read log (admins, data protection officer), « Mes données » (students)."""
from datetime import date

from flask import Response, abort, current_app, flash, g, redirect, request, stream_with_context, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app import roles as R
from app.extensions import db
from app.privacy import log_export, my_data, notice
from app.privacy.models import RetentionRun
from app.privacy.reads import CHANNEL_LABELS, ReadSearch
from app.security import current_impersonator


def _attachment(response, filename):
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReadLogView(BaseView):
    """Who read which contract, searchable by student and by reader, exported as CSV."""

    route_base = "/privacy/reads"
    default_view = "list"
    method_permission_name = {"list": "audit", "export": "audit"}

    def _search(self):
        if not policy.can_audit_reads(g.user):
            abort(403)
        return ReadSearch.from_args(request.args)

    @expose("/")
    @has_access
    def list(self):
        search = self._search()
        page = min(max(request.args.get("page", type=int) or 1, 1), 100000)
        size = current_app.config["CONTRACTS_PAGE_SIZE"]
        query = search.query()
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        rows = db.session.scalars(query.limit(size).offset((page - 1) * size)).all()
        return self.render_template(
            "privacy/reads.html", search=search, rows=rows, total=total, page=page,
            pages=max((total + size - 1) // size, 1), channels=CHANNEL_LABELS,
            runs=db.session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(5)).all(),
        )

    @expose("/export.csv")
    @has_access
    def export(self):
        search = self._search()
        response = Response(stream_with_context(log_export.csv_lines(search.query())), mimetype="text/csv; charset=utf-8")
        return _attachment(response, f"lectures-contrats-{date.today():%Y%m%d}.csv")


class MyDataView(BaseView):
    """« Mes données »: the notice, and everything held about the student as JSON and PDF."""

    route_base = "/my/data"
    default_view = "index"
    method_permission_name = {"index": "use", "json": "use", "pdf": "use", "notice_seen": "use"}

    def _student_only(self):
        # Administrators hold every page permission; these pages are about a student's own data.
        if not policy.has_role(g.user, R.STUDENT):
            abort(404)

    @expose("/")
    @has_access
    def index(self):
        self._student_only()
        return self.render_template(
            "privacy/my_data.html", facts=notice.facts(), notice_html=notice.text(),
        )

    def _data(self):
        self._student_only()
        # Their data is for them: nobody acting as the student downloads it.
        if current_impersonator() is not None:
            abort(403, _("While acting as another user you cannot download their personal data."))
        return my_data.data_of(g.user)

    @expose("/data.json")
    @has_access
    def json(self):
        response = Response(my_data.as_json(self._data()), mimetype="application/json")
        return _attachment(response, f"mes-donnees-{date.today():%Y%m%d}.json")

    @expose("/data.pdf")
    @has_access
    def pdf(self):
        response = Response(my_data.pdf_of(self._data()), mimetype="application/pdf")
        return _attachment(response, f"mes-donnees-{date.today():%Y%m%d}.pdf")

    @expose("/notice", methods=["POST"])
    @has_access
    def notice_seen(self):
        self._student_only()
        if notice.mark_seen(g.user):
            flash(_l("Thank you. You can read this notice again at any time in « My data »."), "success")
        else:
            flash(_l("Only the student can say they have read the notice."), "warning")
        return redirect(notice.safe_next(request.form.get("next"), url_for(".index")))


def register(appbuilder):
    appbuilder.add_view(ReadLogView, "Contract reads", href="/privacy/reads/", label=_l("Who read which contract"),
                        icon="fa-eye", category="Data protection", category_label=_l("GDPR"))
    # In a student's menu only: an administrator holds the permission but has no data of a student.
    appbuilder.add_view(MyDataView, "My data", href="/my/data/", label=_l("My data"), icon="fa-user-shield",
                        menu_cond=lambda: policy.has_role(g.user, R.STUDENT))
