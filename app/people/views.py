"""Referents' pages on the data from Apogée (read-only lists) and on the three assignments."""
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterNotStartsWith
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import ValidationError

from app import policy
from app import roles as R
from app.extensions import db
from app.ui.datamodel import ListInterface
from app.ui.modelviews import ProjectModelView, ReadOnlyModelView
from app.people.models import (
    ANONYMOUS_PREFIX,
    DetuAssignment,
    Faculty,
    Programme,
    RegistrarAssignment,
    Registration,
    Student,
    TeacherAssignment,
)

LABELS = {
    "code": _l("Code"),
    "label": _l("Label"),
    "active": _l("Active"),
    "step_code": _l("Step code"),
    "step_version": _l("Version"),
    "diploma_code": _l("Diploma"),
    "diploma_type": _l("Diploma type"),
    "level": _l("Level"),
    "faculty": _l("Faculty"),
    "faculty.label": _l("Faculty"),
    "student_number": _l("Student number"),
    "ine": _l("INE"),
    "last_name": _l("Last name"),
    "first_name": _l("First name"),
    "birth_date": _l("Birth date"),
    "email": _l("E-mail"),
    "directory_login": _l("Directory login"),
    "student": _l("Student"),
    "programme": _l("Programme"),
    "year": _l("Academic year"),
    "is_primary": _l("Primary registration"),
    "profile_code": _l("Profile code"),
    "regime_label": _l("Enrolment scheme"),
    "is_repeating": _l("Repeating"),
    "is_cancelled": _l("Cancelled"),
    "oui_si_category": _l("« Oui si » category"),
    "adjusted_path": _l("Adjusted path"),
    "user": _l("User"),
}


class FacultyView(ReadOnlyModelView):
    datamodel = ListInterface(Faculty)
    list_title, show_title = _l("Faculties"), _l("Faculty")
    list_columns = show_columns = ["code", "label", "active"]
    search_columns = ["code", "label", "active"]
    label_columns = LABELS


class ProgrammeView(ReadOnlyModelView):
    datamodel = ListInterface(Programme)
    list_title, show_title = _l("Programmes"), _l("Programme")
    list_columns = ["step_code", "step_version", "label", "diploma_type", "level", "faculty.label", "active"]
    show_columns = ["step_code", "step_version", "label", "diploma_code", "diploma_type", "level", "faculty", "active"]
    search_columns = ["step_code", "label", "diploma_type", "level", "faculty", "active"]
    label_columns = LABELS


class StudentView(ReadOnlyModelView):
    datamodel = ListInterface(Student)
    list_title, show_title = _l("Students"), _l("Student")
    list_columns = ["student_number", "last_name", "first_name", "email"]
    show_columns = ["student_number", "ine", "last_name", "first_name", "birth_date", "email", "directory_login"]
    search_columns = ["student_number", "last_name", "first_name", "ine"]
    label_columns = LABELS
    # Not the placeholders of anonymised contracts (app.privacy.retention).
    base_filters = [["student_number", FilterNotStartsWith, ANONYMOUS_PREFIX]]


class RegistrationView(ReadOnlyModelView):
    datamodel = ListInterface(Registration)
    list_title, show_title = _l("Registrations"), _l("Registration")
    base_order = ("year", "desc")
    list_columns = ["year", "student", "programme", "is_primary", "profile_code", "regime_label", "is_repeating", "is_cancelled"]
    show_columns = list_columns + ["oui_si_category", "adjusted_path"]
    search_columns = ["year", "is_primary", "profile_code", "is_repeating", "is_cancelled"]
    label_columns = LABELS


class _FilterUserRole(BaseFilter):
    """Users holding a given role: assignment dropdowns offer only them."""

    name = "Has role"
    arg_name = "hasrole"

    def apply(self, query, value):
        return query.filter(policy.role_holders(value))


class StudentNumberField(StringField):
    """A student picked by student number: a dropdown of every student would not scale."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = (
            db.session.scalar(select(Student).where(Student.student_number == self.raw))
            if self.raw
            else None
        )

    def process_data(self, value):
        self.data = value
        self.raw = value.student_number if value is not None else ""

    def _value(self):
        return self.raw

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_l("No student has this student number."))


class AssignmentView(ProjectModelView):
    """Who is assigned to what: the user picked among the accounts holding the role (``role``)."""

    include_route_methods = {"list", "show", "add", "edit", "delete"}
    search_columns = ["user"]
    label_columns = LABELS
    # Without an order PostgreSQL returns rows as they come: pages would shift between requests.
    base_order = ("id", "asc")
    role = None

    def __init__(self, **kwargs):
        self.list_columns = self.add_columns = self.edit_columns = self.show_columns = ["user", self.target]
        self.add_form_query_rel_fields = self.edit_form_query_rel_fields = self.search_form_query_rel_fields = {
            "user": [["id", _FilterUserRole, self.role]]
        }
        super().__init__(**kwargs)


class DetuAssignmentView(AssignmentView):
    datamodel = ListInterface(DetuAssignment)
    role, target = R.DETU, "programme"
    search_columns = ["user", "programme"]
    list_title, show_title = _l("Directors of studies"), _l("Director of studies")
    add_title, edit_title = _l("New director of studies"), _l("Change the director of studies")


class TeacherAssignmentView(AssignmentView):
    datamodel = ListInterface(TeacherAssignment)
    role, target = R.TEACHER, "student"
    search_columns = ["user", "student"]
    related_search_columns = {"student": ["student_number", "last_name", "first_name"]}
    label_columns = dict(LABELS, student=_l("Student"))
    list_title, show_title = _l("Referent teachers"), _l("Referent teacher")
    add_title, edit_title = _l("New referent teacher"), _l("Change the referent teacher")
    add_form_extra_fields = edit_form_extra_fields = {"student": StudentNumberField(_l("Student number"))}


class RegistrarAssignmentView(AssignmentView):
    datamodel = ListInterface(RegistrarAssignment)
    role, target = R.REGISTRAR, "faculty"
    search_columns = ["user", "faculty"]
    list_title, show_title = _l("Student offices"), _l("Student office")
    add_title, edit_title = _l("New student office"), _l("Change the student office")


def register(appbuilder):
    data = "Reference data"
    appbuilder.add_view(FacultyView, "Faculties", label=_l("Faculties"), icon="fa-building", category=data, category_label=_l("Reference data"))
    appbuilder.add_view(ProgrammeView, "Programmes", label=_l("Programmes"), icon="fa-graduation-cap", category=data)
    appbuilder.add_view(StudentView, "Students", label=_l("Students"), icon="fa-user", category=data)
    appbuilder.add_view(RegistrationView, "Registrations", label=_l("Registrations"), icon="fa-id-card", category=data)
    assignments = "Assignments"
    appbuilder.add_view(DetuAssignmentView, "Directors of studies", label=_l("Directors of studies"), icon="fa-user-tie", category=assignments, category_label=_l("Assignments"))
    appbuilder.add_view(TeacherAssignmentView, "Referent teachers", label=_l("Referent teachers"), icon="fa-chalkboard-teacher", category=assignments)
    appbuilder.add_view(RegistrarAssignmentView, "Student offices", label=_l("Student offices"), icon="fa-briefcase", category=assignments)
