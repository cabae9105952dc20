"""Pages of the reports package, by role (see app.roles). Which rows: app.policy."""
from app import roles as R

DASHBOARD = [("DashboardView", "can_read"), ("Contracts|Dashboard", "menu_access")]
REPORTS = [("ReportsView", "can_read|can_remind"), ("Reports|All reports|Report [a-z]+", "menu_access")]

PERMISSIONS = {
    R.DETU: DASHBOARD + REPORTS,
    R.TEACHER: DASHBOARD,
    R.COUNSELLOR: DASHBOARD,
    R.REGISTRAR: DASHBOARD + REPORTS,
    R.REFERENT: DASHBOARD + REPORTS,
}
