"""Pages of the contracts package, by role (see app.roles). Which rows: app.policy."""
from app import roles as R

STAFF_MENU = ("Contracts|Dashboard|Contract list", "menu_access")

PERMISSIONS = {
    R.STUDENT: [("MyContractView", "can_use"), ("My contract|My contracts|Useful contacts", "menu_access")],
    R.DETU: [("ContractsView", "can_read|can_edit|can_sign"), STAFF_MENU],
    R.TEACHER: [("ContractsView", "can_read"), STAFF_MENU],
    R.COUNSELLOR: [("ContractsView", "can_read|can_comment"), STAFF_MENU],
    R.REGISTRAR: [("ContractsView", "can_read"), STAFF_MENU],
    R.REFERENT: [("ContractsView", "can_read"), STAFF_MENU],
}
