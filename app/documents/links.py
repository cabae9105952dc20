"""Links on the contract pages and above the staff list (through app.contracts.panels)."""
from flask import current_app, url_for
from flask_babel import gettext as _

from app.contracts import panels

VIEW = "ContractDocumentsView"


def _may(permission):
    return current_app.appbuilder.sm.has_access(permission, VIEW)


def pdf_link(contract, user):
    # ``contract`` was read through app.policy by the page that shows this link.
    if _may("can_pdf"):
        return _("Download the PDF"), url_for(f"{VIEW}.pdf", pk=contract.id)
    return None


def list_xlsx_link(user, search):
    if _may("can_export"):
        return _("Excel export of this list"), url_for(f"{VIEW}.list_xlsx", **search.as_args())
    return None


def bulk_link(user, search):
    if search.programme_id is not None and _may("can_bulk"):
        return _("PDFs of these contracts (ZIP)"), url_for(f"{VIEW}.bulk_page", **search.as_args())
    return None


def register():
    panels.register_link(pdf_link)
    panels.register_list_link(list_xlsx_link)
    panels.register_list_link(bulk_link)
