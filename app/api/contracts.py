"""Read-only contracts API. Rows go through app.policy, like every other way of reading them."""
from flask_appbuilder.api import ModelRestApi

from app.contracts.datamodel import ContractInterface, VisibleContracts
from app.contracts.models import Contract


class ContractApi(ModelRestApi):
    resource_name = "contracts"
    datamodel = ContractInterface(Contract)  # by id: through app.policy.read_contract, like every page
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
