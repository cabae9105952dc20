"""Pages of the documents package, by role (see app.roles). Which contracts: app.policy."""
from app import roles as R

PERMISSIONS = {
    R.STUDENT: [("ContractDocumentsView", "can_pdf")],
    R.DETU: [("ContractDocumentsView", "can_pdf|can_bulk|can_export"), ("DocumentTaskView", "can_follow")],
    R.TEACHER: [("ContractDocumentsView", "can_pdf")],
    R.COUNSELLOR: [("ContractDocumentsView", "can_pdf")],
    R.REGISTRAR: [("ContractDocumentsView", "can_pdf|can_export"), ("ExportView", "can_extract"),
                  ("Extractions", "menu_access"), ("DocumentTaskView", "can_follow")],
    R.REFERENT: [("ContractDocumentsView", "can_pdf|can_bulk|can_export"), ("ExportView", "can_extract"),
                 ("Extractions", "menu_access"), ("DocumentTaskView", "can_follow")],
}
