"""The referent's page for importing past contracts from Excel, and the template to download."""
import io
import os

from flask import Response, abort, current_app, g, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from app import policy
from app.transfer import contract_import, template
from app.transfer.template import COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 500


class ContractImportView(BaseView):
    route_base = "/transfer/contracts"
    default_view = "index"
    method_permission_name = {"index": "import", "template_xlsx": "import"}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        if not policy.can_configure(g.user):
            abort(403)
        report, error, status = None, None, 200
        if request.method == "POST":
            report, error = self._import()
            status = 422 if error or (report and not report.ok) else 200
        return self.render_template(
            "transfer/contracts.html", report=report, error=error, columns=COLUMNS, shown=SHOWN_PROBLEMS,
            dry_run=request.method == "GET" or bool(request.form.get("dry_run")),
        ), status

    def _import(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return None, _("Choose the Excel file to import.")
        limit = current_app.config["IMPORT_MAX_BYTES"]
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            return None, _("The file is too large (%(max)s MB at most).", max=limit // (1024 * 1024))
        name = secure_filename(os.path.basename(upload.filename)) or "import.xlsx"
        report = contract_import.import_contracts(io.BytesIO(data), name, actor=g.user,
                                                  dry_run=bool(request.form.get("dry_run")))
        return report, None

    @expose("/template.xlsx")
    @has_access
    def template_xlsx(self):
        if not policy.can_configure(g.user):
            abort(403)
        response = Response(template.template_workbook(), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="modele-import-contrats.xlsx"'
        return response


def register(appbuilder):
    appbuilder.add_view(ContractImportView, "Import past contracts", href="/transfer/contracts/",
                        label=_l("Import past contracts"), icon="fa-upload", category="Settings",
                        category_label=_l("Settings"))
