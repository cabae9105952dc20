"""Contracts as Flask-AppBuilder sees them: rows filtered by the policy, by-id reads through it too.

``VisibleContracts`` is the base filter of every contract view (and API): the policy's SQL rule.
``ContractInterface.get`` — what FAB's show, edit, delete and single actions call — reads through
``app.policy.readable_contract`` whatever filters FAB passes (FAB passes none for actions), so no FAB
path reaches a contract the lists would not show.
"""
from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import policy


def current_reader():
    """The caller of this request: a browser session's user or the bearer of a token."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    try:
        from flask_jwt_extended import current_user

        return current_user or None
    except RuntimeError:  # no token was verified for this request
        return None


class VisibleContracts(BaseFilter):
    name = "Visible to the user"
    arg_name = "visible"

    def apply(self, query, value):
        return query.filter(policy.visible_contracts(current_reader()))


class ContractInterface(SQLAInterface):
    def get(self, id, filters=None, select_columns=None, outer_default_load=False):  # noqa: A002 (FAB's name)
        return policy.readable_contract(current_reader(), id)
