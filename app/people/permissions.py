"""Pages of the people package, by role (see app.roles)."""
from app import roles as R

PEOPLE_VIEWS = (
    "FacultyView|ProgrammeView|StudentView|RegistrationView"
    "|DetuAssignmentView|TeacherAssignmentView|RegistrarAssignmentView"
)

PERMISSIONS = {
    R.REFERENT: [(PEOPLE_VIEWS, "can_.*"), ("Reference data|Assignments", "menu_access")],
}
