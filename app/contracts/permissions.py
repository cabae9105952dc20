"""Pages of the contracts package, by role (see app.roles). Which rows: app.policy."""
from app import roles as R

STAFF_MENU = ("Contracts|Dashboard|Contract list", "menu_access")
STUDENT_PAGE = ("StudentRecordView", "can_read")  # which students: app.policy.visible_students

PERMISSIONS = {
    R.STUDENT: [("MyContractView", "can_use"), ("My contract|My contracts|Useful contacts", "menu_access")],
    R.DETU: [("ContractsView", "can_read|can_edit|can_sign|can_bulk|can_export"), STUDENT_PAGE, STAFF_MENU],
    R.TEACHER: [("ContractsView", "can_read"), STUDENT_PAGE, STAFF_MENU],
    R.COUNSELLOR: [("ContractsView", "can_read|can_comment"), STUDENT_PAGE, STAFF_MENU],
    R.REGISTRAR: [("ContractsView", "can_read|can_export"), STUDENT_PAGE, STAFF_MENU],
    R.REFERENT: [("ContractsView", "can_read|can_bulk|can_export"), STUDENT_PAGE, STAFF_MENU],
}
