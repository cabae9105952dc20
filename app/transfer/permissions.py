"""Pages of the transfer package, by role (see app.roles): functional referents (and admins)."""
from app import roles as R

PERMISSIONS = {
    R.REFERENT: [("ContractImportView", "can_import"), ("Import past contracts", "menu_access")],
}
