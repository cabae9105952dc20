"""Pages of the sis package, by role (see app.roles): sync runs for referents (and admins)."""
from app import roles as R

PERMISSIONS = {
    R.REFERENT: [("SyncRunView", "can_list|can_start"), ("SyncErrorView", "can_list"), ("Apogée sync", "menu_access")],
}
