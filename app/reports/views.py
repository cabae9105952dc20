"""The reports' pages, their Excel files and action, and the staff dashboard.

Thin views: figures come from the report modules (scoped by ``app.policy``), files from
``app.documents.excel``.
"""
import tempfile
from datetime import date

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import policy
from app.documents import excel
from app.documents.names import ascii_slug
from app.reports import dashboard, registry, reminders
from app.reports.filters import ReportFilters, choices
from app.reports.format import excel_value
from app.reports.tables import PICK

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_LIMIT = 200  # rows of a list shown on a page; the Excel file holds them all
MAX_PICKED = 5000


def report_or_404(name):
    report = registry.find(name)
    if report is None:
        abort(404)
    return report


def sheet(table):
    """(title, columns, rows) of a table for ``excel.write_sheets``: what the page shows, as data."""
    keep = [i for i, c in enumerate(table.columns) if c.kind != PICK]
    columns = [excel.Column(table.columns[i].label, 14 if table.columns[i].numeric else 30) for i in keep]
    return table.title, columns, [[excel_value(row[i]) for i in keep] for row in table.rows]


def xlsx_response(tables, filename):
    spool = tempfile.TemporaryFile()
    excel.write_sheets([sheet(t) for t in tables], spool)
    spool.seek(0)
    response = send_file(spool, mimetype=XLSX, as_attachment=True, download_name=filename)
    return response


class ReportsView(BaseView):
    route_base = "/reports"
    default_view = "index"
    method_permission_name = {"index": "read", "report": "read", "export": "read", "remind": "remind",
                              "remind_detus": "remind"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("reports/index.html", reports=registry.REPORTS)

    @expose("/<name>/")
    @has_access
    def report(self, name):
        report = report_or_404(name)
        filters = ReportFilters.from_args(request.args)
        tables = report.tables(g.user, filters, LIST_LIMIT)
        return self.render_template(
            "reports/report.html", report=report, filters=filters, tables=tables,
            chart=report.chart.data(tables), choices=choices(g.user),
            can_act=report.action is not None and policy.can_send_reminders(g.user),
            can_remind_detus=report.action is not None and policy.can_remind_detus(g.user),
        )

    @expose("/<name>/export.xlsx")
    @has_access
    def export(self, name):
        report = report_or_404(name)
        filters = ReportFilters.from_args(request.args)
        return xlsx_response(report.tables(g.user, filters),
                             f"{ascii_slug(str(report.title))}-{filters.year}-{date.today():%Y%m%d}.xlsx")

    @expose("/pending/remind", methods=["POST"])
    @has_access
    def remind(self):
        filters = ReportFilters.from_args(request.form)
        back = redirect(url_for(".report", name="pending", **filters.as_args()))
        picked = request.form.getlist("student")
        student_ids = None
        if request.form.get("scope") != "all":
            student_ids = {int(v) for v in picked[:MAX_PICKED] if v.isdigit() and len(v) < 10}
            if not student_ids:
                flash(_("Select the students to remind."), "warning")
                return back
        try:
            sent = reminders.send_reminders(g.user, filters, student_ids)
        except reminders.RemindersRefused as exc:
            flash(str(exc), "danger")
            return back
        flash_result(sent)
        return back

    @expose("/pending/remind-detus", methods=["POST"])
    @has_access
    def remind_detus(self):
        filters = ReportFilters.from_args(request.form)
        try:
            sent = reminders.remind_detus(g.user, filters)
        except reminders.RemindersRefused as exc:
            flash(str(exc), "danger")
        else:
            flash_detus_result(sent)
        return redirect(url_for(".report", name="pending", **filters.as_args()))


def flash_result(sent):
    flash(ngettext("%(num)s reminder queued.", "%(num)s reminders queued.", sent.queued), "success")
    if sent.already:
        flash(ngettext("%(num)s student had already been reminded today.",
                       "%(num)s students had already been reminded today.", sent.already), "info")
    if sent.no_address:
        flash(_("No e-mail address for: %(numbers)s.", numbers=", ".join(sent.no_address[:20])), "warning")
    if sent.refused:
        flash(ngettext("%(num)s student cannot be reminded (outside your scope, or nothing left to do).",
                       "%(num)s students cannot be reminded (outside your scope, or nothing left to do).",
                       sent.refused), "warning")


def flash_detus_result(sent):
    flash(ngettext("%(num)s director of studies reminded.", "%(num)s directors of studies reminded.",
                   sent.queued), "success")
    if sent.already:
        flash(ngettext("%(num)s director of studies had already been reminded today.",
                       "%(num)s directors of studies had already been reminded today.", sent.already), "info")
    if sent.no_address:
        flash(_("No e-mail address for: %(names)s.", names=", ".join(sent.no_address[:20])), "warning")


class DashboardView(BaseView):
    route_base = "/contracts"
    default_view = "dashboard"
    method_permission_name = {"dashboard": "read"}

    @expose("/dashboard/")
    @has_access
    def dashboard(self):
        filters = ReportFilters.from_args(request.args)
        filters.faculty_id = filters.programme_id = filters.status = None  # the whole scope, one year
        programmes = dashboard.status_table(g.user, filters)
        totals = dashboard.totals_table([row for row in programmes.rows])
        progress = dashboard.progress(g.user, filters)
        return self.render_template(
            "reports/dashboard.html", filters=filters, year=filters.year, tables=[totals, programmes],
            chart=dashboard.CHART.data([totals]), registered=progress.registered, signed=progress.signed,
            rate=progress.rate, todo=dashboard.to_do(g.user, filters, programmes.rows, progress),
            years=choices(g.user)["years"],
            may_report=self.appbuilder.sm.has_access("can_read", "ReportsView"),
        )


def register(appbuilder):
    appbuilder.add_view(
        DashboardView, "Dashboard", href="/contracts/dashboard/", label=_l("Dashboard"),
        icon="fa-tachometer-alt", category="Contracts", category_label=_l("Contracts"),
    )
    appbuilder.add_view(
        ReportsView, "All reports", href="/reports/", label=_l("All reports"), icon="fa-chart-bar",
        category="Reports", category_label=_l("Reports"),
    )
    for report in registry.REPORTS:
        appbuilder.add_link(report.menu_name, href=f"/reports/{report.name}/", label=report.title,
                            category="Reports")
