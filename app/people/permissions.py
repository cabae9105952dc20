"""Pages of the people package, by role (see app.roles)."""
from app import roles as R

PEOPLE_VIEWS = (
    "FacultyView|ProgrammeView|StudentView|RegistrationView"
    "|DetuAssignmentView|TeacherAssignmentView|RegistrarAssignmentView"
)

PERMISSIONS = {
    R.REFERENT: [
        (PEOPLE_VIEWS, "can_.*"),
        ("Reference data|Faculties|Programmes|Students|Registrations", "menu_access"),
        ("Assignments|Directors of studies|Referent teachers|Student offices", "menu_access"),
    ],
}
