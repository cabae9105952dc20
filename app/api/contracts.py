"""Read-only contracts API. Rows go through app.policy, like every other way of reading them."""
from flask import g
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_jwt_extended import current_user as current_user_jwt

from app import policy
from app.contracts.models import Contract
from app.privacy.reads import API, record_reads


def api_user():
    """The caller: a browser session user or the bearer of a JWT / API key."""
    user = getattr(g, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return current_user_jwt or None


class VisibleContracts(BaseFilter):
    name = "Visible to the caller"
    arg_name = "visible"

    def apply(self, query, value):
        return query.filter(policy.visible_contracts(api_user()))


class ContractApi(ModelRestApi):
    resource_name = "contracts"
    datamodel = SQLAInterface(Contract)
    allow_browser_login = True
    include_route_methods = {"get", "get_list", "info"}
    method_permission_name = {"get": "read", "get_list": "read", "info": "read"}
    class_permission_name = "ContractApi"
    base_filters = [["id", VisibleContracts, lambda: None]]
    page_size = 50
    list_columns = [
        "id", "year", "kind", "status", "student.student_number", "student.last_name",
        "student.first_name", "programme.step_code", "programme.step_version", "programme.label",
        "submitted_at", "signed_at", "updated_at",
    ]
    # What the contract shows, never the counsellor's comment: other tools get what the PDF shows.
    show_columns = list_columns + [
        "gap_year", "second_programme_label", "second_programme_level", "second_programme_from_sis",
        "pec_acknowledged", "charter_accepted", "charter_accepted_at", "support_hours", "path_notes",
        "submitted_hash", "signed_hash",
    ]
    search_columns = ["year", "status", "kind"]
    order_columns = ["id", "year", "status", "updated_at"]

    # Every contract an answer holds is a read recorded in the log (app.privacy).
    def pre_get(self, data):
        record_reads([data["id"]], API, user=api_user())

    def pre_get_list(self, data):
        record_reads(data["ids"], API, user=api_user())
