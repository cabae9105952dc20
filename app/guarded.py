"""Flask-AppBuilder view behaviour we harden for every ModelView of the project."""
import re

from flask import abort, current_app, request
from flask_appbuilder import expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer


class GuardedActions:
    """FAB answers a refused action with a redirect and loads rows without base filters.

    Refuse unknown or forbidden actions with 403 before FAB loads anything; each action still
    re-checks its rows itself.
    """

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        if name not in self.actions or not self.appbuilder.sm.has_access(
            self.get_action_permission_name(name), self.class_permission_name
        ):
            abort(403)
        return super().action_post()


# --- parameters Flask-AppBuilder reads without checking ---------------------------------------

MAX_PAGE = 1_000_000
MAX_ID = 2**31 - 1
# A 19-digit number overflows SQLite's integers (and means nothing here: student numbers have 8).
_HUGE_NUMBER = re.compile(r"^\s*[+-]?\d{19,}\s*$")


def _whole(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return False
    return low <= number <= high


def _integer_pk(view):
    datamodel = getattr(view, "datamodel", None)
    obj = getattr(datamodel, "obj", None)
    try:
        column = obj.__mapper__.primary_key[0]
    except (AttributeError, IndexError):
        return False
    return isinstance(column.type, Integer)


def guard_parameters():
    """Refuse, before any view runs, the parameters FAB would turn into a 500.

    ``page_<View>``/``psize_<View>`` (FAB calls ``int()`` on them and sends any size to the
    database), numbers too large for the database anywhere in the query string, and ids of FAB's
    ``/show/<pk>``, ``/edit/<pk>``… that are not whole numbers in range (a 404: no such row).
    """
    _check_query_string()
    pk = (request.view_args or {}).get("pk")
    if isinstance(pk, str):
        view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
        if _integer_pk(view) and not (pk.isdigit() and int(pk) <= MAX_ID):
            abort(404)


def _check_query_string():
    max_size = current_app.config["FAB_API_MAX_PAGE_SIZE"]
    for name, value in request.args.items(multi=True):
        # Same matching as FAB's urltools: any argument whose name contains "psize_" or "page_".
        if "psize_" in name and not _whole(value, 1, max_size):
            abort(400, _l("The page size must be a whole number from 1 to %(max)d.", max=max_size))
        if "page_" in name and not _whole(value, 0, MAX_PAGE):
            abort(400, _l("The page number must be a whole number."))
        if _HUGE_NUMBER.match(value or ""):
            abort(400, _l("A number in the address is too large."))


def init_app(app):
    app.before_request(guard_parameters)
