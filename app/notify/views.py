"""The outbox as admins see it: every message with its status and last error, and a retry action."""
from flask import abort, flash, g, redirect
from flask_appbuilder import ModelView
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app import policy
from app import roles as R
from app.guarded import GuardedActions
from app.notify import outbox
from app.notify.models import OutboxMessage


class OutboxView(GuardedActions, ModelView):
    datamodel = SQLAInterface(OutboxMessage)
    include_route_methods = {"list", "show", "action_post"}
    base_permissions = ["can_list", "can_show", "can_retry"]
    list_title = show_title = _l("E-mail outbox")
    base_order = ("id", "desc")
    list_columns = ["created_at", "kind", "to_address", "subject", "status", "attempts", "next_attempt_at", "last_error"]
    show_columns = [
        "created_at", "kind", "to_address", "language", "subject", "status", "attempts", "next_attempt_at",
        "sent_at", "last_error", "body_text",
    ]
    search_columns = ["status", "kind", "to_address", "subject"]
    label_columns = {
        "created_at": _l("Queued"),
        "kind": _l("Kind"),
        "to_address": _l("To"),
        "language": _l("Language"),
        "subject": _l("Subject"),
        "status": _l("Status"),
        "attempts": _l("Attempts"),
        "next_attempt_at": _l("Next attempt (UTC)"),
        "sent_at": _l("Sent (UTC)"),
        "last_error": _l("Last error"),
        "body_text": _l("Message"),
    }

    @action("retry", _l("Send again"), _l("Queue the selected messages for sending again?"), "fa-repeat")
    def retry(self, items):
        # FAB loads action rows without any filter: decide here, not in the page.
        if not policy.has_role(g.user, R.ADMIN):
            abort(403)
        items = items if isinstance(items, list) else [items]
        count = outbox.requeue([item.id for item in items])
        flash(_l("%(num)s message(s) queued again.", num=count), "success")
        self.update_redirect()
        return redirect(self.get_redirect())


def register(appbuilder):
    appbuilder.add_view(OutboxView, "E-mail outbox", label=_l("E-mail outbox"), icon="fa-envelope",
                        category="Settings", category_label=_l("Settings"))
