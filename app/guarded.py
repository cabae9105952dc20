"""Flask-AppBuilder view behaviour we harden for every ModelView of the project."""
from flask import abort, request
from flask_appbuilder import expose


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
