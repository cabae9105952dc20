"""Pages of the notify package, by role (see app.roles): one's own notifications."""
from app import roles as R

PERMISSIONS = {
    R.STUDENT: [("NotificationView", "can_read")],
    R.DETU: [("NotificationView", "can_read")],
}
