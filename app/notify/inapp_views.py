"""The user's notifications: the list, opening one (it is then read), marking them read or unread."""
from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app import policy
from app.notify import inapp
from app.request_reads import once_per_request

PAGE_SIZE = 30


class NotificationView(BaseView):
    route_base = "/notifications"
    default_view = "index"
    method_permission_name = {"index": "read", "open": "read", "read_all": "read", "toggle": "read"}

    @expose("/")
    @has_access
    def index(self):
        number = min(max(request.args.get("page", 0, type=int), 0), 10**6)
        rows, total = inapp.page_of(g.user, number, PAGE_SIZE)
        return self.render_template(
            "notify/notifications.html", notifications=[(n, inapp.text_of(n)) for n in rows],
            number=number, pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        )

    @expose("/<int:pk>/open")
    @has_access
    def open(self, pk):
        """Read it, and go to its contract (the student's own page, or the staff page)."""
        notification = self._own(pk)
        inapp.mark(notification)
        if policy.is_staff(g.user):
            return redirect(url_for("ContractsView.show", pk=notification.contract_id))
        return redirect(url_for("MyContractView.show", pk=notification.contract_id))

    @expose("/<int:pk>/toggle", methods=["POST"])
    @has_access
    def toggle(self, pk):
        notification = self._own(pk)
        inapp.mark(notification, read=notification.read_at is None)
        return redirect(url_for(".index", page=request.args.get("page", 0, type=int) or None))

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        inapp.mark_all_read(g.user)
        return redirect(url_for(".index"))

    def _own(self, pk):
        notification = inapp.own(g.user, pk)
        if notification is None:
            abort(404)
        return notification


def show_menu():
    return policy.has_notifications(g.user)


def counters_of_this_request():
    """The navbar's counters, counted once per request: the contract page shows the count of
    contracts to sign too (its « next contract to sign » button)."""
    return once_per_request("notification_counters", lambda: inapp.counters(g.user))


def register(app, appbuilder):
    appbuilder.add_view_no_menu(NotificationView)
    # The navbar's counters are computed only on the pages that show a navbar.
    app.jinja_env.globals["notification_counters"] = counters_of_this_request
    app.jinja_env.globals["notification_menu"] = show_menu
