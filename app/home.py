"""The home page sends each user where their work is."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose

from app import policy
from app import roles as R


class HomeView(IndexView):
    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_login)
        if policy.is_staff(user):
            return redirect(url_for("DashboardView.dashboard"))
        if policy.has_role(user, R.STUDENT):
            return redirect(url_for("MyContractView.contract"))
        if policy.can_audit_reads(user):
            return redirect(url_for("ReadLogView.list"))
        return self.render_template("conpere/no_role.html")

