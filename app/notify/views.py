"""The outbox as admins see it: every message with its status and last error, and a retry action."""
from flask import abort, flash, g, redirect
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app import policy
from app.notify import outbox
from app.notify.models import FAILED, PENDING, SENT, OutboxMessage
from app.ui.datamodel import ListInterface
from app.ui.display import choice
from app.ui.modelviews import ProjectModelView

STATUS_LABELS = {PENDING: _l("Waiting to be sent"), SENT: _l("Sent"), FAILED: _l("Failed")}
KIND_LABELS = {
    "contract_started": _l("Contract started"),
    "contract_submitted": _l("Contract validated by the student"),
    "contract_signed": _l("Contract signed"),
    "contract_returned": _l("Contract returned to the student"),
    "detu_digest": _l("Daily digest"),
    "reminder_detu": _l("Reminder to a director of studies"),
    "reminder_student": _l("Reminder to a student"),
}
LANGUAGES = {"fr": _l("French"), "en": _l("English")}


class OutboxView(ProjectModelView):
    datamodel = ListInterface(OutboxMessage)
    include_route_methods = {"list", "show", "action_post"}
    base_permissions = ["can_list", "can_show", "can_retry"]
    list_title, show_title = _l("E-mail outbox"), _l("E-mail")
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
        "next_attempt_at": _l("Next attempt"),
        "sent_at": _l("Sent on"),
        "last_error": _l("Last error"),
        "body_text": _l("Message"),
    }
    formatters_columns = {"status": choice(STATUS_LABELS), "kind": choice(KIND_LABELS), "language": choice(LANGUAGES)}
    search_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=list(STATUS_LABELS.items())),
        "kind": SelectField(_l("Kind"), choices=list(KIND_LABELS.items())),
    }

    @action("retry", _l("Send again"), _l("Queue the selected messages for sending again?"), "fa-repeat")
    def retry(self, items):
        # FAB loads action rows without any filter: decide here, not in the page.
        if not policy.can_requeue_mail(g.user):
            abort(403)
        items = items if isinstance(items, list) else [items]
        count = outbox.requeue([item.id for item in items])
        flash(_l("%(num)s message(s) queued again.", num=count), "success")
        self.update_redirect()
        return redirect(self.get_redirect())


def register(appbuilder):
    appbuilder.add_view(OutboxView, "E-mail outbox", label=_l("E-mail outbox"), icon="fa-envelope",
                        category="Settings", category_label=_l("Settings"))
