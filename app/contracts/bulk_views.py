"""The contract list's bulk actions (Flask-AppBuilder actions): sign, PDFs as a ZIP, Excel.

FAB loads action rows without the view's base filters: ``action_post`` here reads the selected
rows through the policy instead (``bulk.select_contracts``) and each action re-checks every
contract; a page says what was done and what was refused, and why.
"""
import tempfile
from datetime import date

from flask import Response, abort, g, request, send_file, stream_with_context
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.contracts import bulk
from app.contracts.models import Contract
from app.contracts.signals import contracts_read
from app.privacy.models import EXPORT, ZIP
from app.security import current_impersonator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BulkActions:
    """Mixed into the contract ModelView (its ``actions``, permissions and templates)."""

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        chosen = self.actions.get(name)
        if chosen is None or not self.appbuilder.sm.has_access(
            self.get_action_permission_name(name), self.class_permission_name
        ):
            abort(403)
        return chosen.func(bulk.select_contracts(g.user, request.form.getlist("rowid")))

    @action("sign_selected", _l("Sign the selected contracts"), None, "fa-pencil", single=False)
    def sign_selected(self, selection):
        impersonator = current_impersonator()
        if request.form.get("confirmed") != "yes":
            refusals = {c.id: bulk.sign_refusal(g.user, c, impersonator) for c in selection.contracts}
            signable = [c for c in selection.contracts if not refusals[c.id]]
            return self._bulk_page("contracts/bulk_confirm.html", selection, refusals=refusals, signable=signable)
        outcomes = bulk.sign_all(g.user, selection, impersonator)
        return self._bulk_page("contracts/bulk_result.html", selection, outcomes=outcomes, retry=None,
                               title=_l("Signature of the selected contracts"))

    @action("pdfs_selected", _l("Download their PDFs (ZIP)"), None, "fa-file-pdf-o", single=False)
    def pdfs_selected(self, selection):
        if selection.refused or selection.too_many or not selection.contracts:
            return self._download_refusals(selection, "pdfs_selected")
        from app.documents import pdf

        ids = selection.ids
        contracts_read.send(ids, channel=ZIP)  # the read log (app.privacy)
        stream = pdf.zip_of_pdfs(ids, f"ZIP of {len(ids)} selected for {g.user.username}")
        response = Response(stream_with_context(stream), mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="contrats-{date.today():%Y%m%d}.zip"'
        return response

    @action("export_selected", _l("Export them to Excel"), None, "fa-file-excel-o", single=False)
    def export_selected(self, selection):
        if selection.refused or selection.too_many or not selection.contracts:
            return self._download_refusals(selection, "export_selected")
        from app.documents import excel

        chosen = select(Contract).where(Contract.id.in_(selection.ids))
        contracts_read.send(chosen, channel=EXPORT)  # the read log (app.privacy)
        spool = tempfile.TemporaryFile()
        excel.write_extraction(chosen, spool)
        spool.seek(0)
        response = send_file(spool, mimetype=XLSX, as_attachment=True,
                             download_name=f"contrats-{date.today():%Y%m%d}.xlsx")
        return response

    def _download_refusals(self, selection, name):
        """Some rows cannot be downloaded: say which and why, and offer the others."""
        return self._bulk_page("contracts/bulk_result.html", selection, outcomes=selection.refused,
                               retry=name, title=self.actions[name].text)

    def _bulk_page(self, template, selection, **context):
        return self.render_template(template, selection=selection, max_selection=bulk.MAX_SELECTION,
                                    back=self.get_redirect(), **context)
