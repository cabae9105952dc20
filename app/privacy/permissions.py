"""Pages of the privacy package, by role (see app.roles); the read log also asks app.policy."""
from app import roles as R

PERMISSIONS = {
    R.STUDENT: [("MyDataView", "can_use"), ("My data", "menu_access")],
    R.DATA_PROTECTION: [("ReadLogView", "can_audit"), ("Data protection|Contract reads", "menu_access")],
}
