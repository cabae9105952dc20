"""Pages of « se connecter en tant que »: search, start, stop; the sessions list for administrators.

Who may search and start is a business rule (``impersonation.may_impersonate``, configured by
``IMPERSONATION_ROLES``), not a FAB permission: the same setting then decides the pages, the menu
and the rule itself.
"""
from functools import wraps

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.campaign import current_year
from app.extensions import db
from app.people.models import Programme, Student
from app.security import impersonation
from app.security.models import ImpersonationRequest, ImpersonationSession

SESSIONS_PAGE_SIZE = 50


def impersonators_only(view):
    @wraps(view)
    def guarded(self, *args, **kwargs):
        if g.user is None or not g.user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_login_with(request.full_path))
        if not impersonation.may_impersonate(g.user):
            abort(403)
        return view(self, *args, **kwargs)

    return guarded


class ImpersonationView(BaseView):
    route_base = "/impersonation"
    default_view = "search"

    @expose("/")
    @impersonators_only
    def search(self):
        criteria = {
            name: request.args.get(name, "").strip()[:100] for name in ("last_name", "first_name", "login")
        }
        programme_id = request.args.get("programme", type=int)
        year = current_year()
        candidates = impersonation.search(programme_id=programme_id, year=year, **criteria)
        searched = any(criteria.values()) or programme_id is not None
        return self.render_template(
            "security/impersonation_search.html",
            criteria=criteria,
            programme_id=programme_id,
            programmes=db.session.scalars(
                select(Programme).where(Programme.active.is_(True)).order_by(Programme.step_code)
            ).all(),
            candidates=candidates,
            searched=searched,
            limit=impersonation.SEARCH_LIMIT,
            refusal=lambda c: impersonation.refusal(g.user, c.user) if c.user is not None else None,
        )

    @expose("/start", methods=["POST"])
    @impersonators_only
    def start(self):
        real = g.user
        try:
            target = self._target()
            impersonation.start(real, target)
        except impersonation.ImpersonationRefused as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".search", **_search_args()))
        flash(_l("You are now acting as %(name)s. Validation and signature are refused meanwhile.",
                 name=target.get_full_name()), "warning")
        return redirect(self.appbuilder.get_url_for_index)

    def _target(self):
        user_id = request.form.get("user_id", type=int)
        if user_id:
            target = db.session.get(self.appbuilder.sm.user_model, user_id)
            if target is None:
                abort(404)
            return target
        student = db.session.get(Student, request.form.get("student_id", type=int) or 0)
        if student is None:
            abort(404)
        # A student's new account holds the Student role only: any impersonator may act as it.
        return impersonation.account_for_student(student)

    @expose("/stop", methods=["POST"])
    def stop(self):
        """Back to one's own account. Reachable by the impersonated identity, on purpose."""
        if g.user is None or not g.user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_login)
        if not impersonation.is_impersonating():
            flash(_l("You are not acting as another user."), "info")
            return redirect(self.appbuilder.get_url_for_index)
        real = impersonation.stop()
        if real is None:
            return redirect(self.appbuilder.get_url_for_login)
        flash(_l("You are back on your own account."), "success")
        if impersonation.may_impersonate(real):
            return redirect(url_for(".search"))
        return redirect(self.appbuilder.get_url_for_index)


def _search_args():
    return {k: v for k in ("last_name", "first_name", "login", "programme") if (v := request.form.get(k))}


class ImpersonationSessionsView(BaseView):
    """Who acted as whom, when, for how long, and what they opened (administrators)."""

    route_base = "/impersonation/sessions"
    default_view = "list"
    method_permission_name = {"list": "read", "show": "read"}

    @expose("/")
    @has_access
    def list(self):
        page = max(request.args.get("page", 1, type=int), 1)
        total = db.session.scalar(select(func.count(ImpersonationSession.id)))
        counts = (
            select(ImpersonationRequest.session_id, func.count(ImpersonationRequest.id).label("n"))
            .group_by(ImpersonationRequest.session_id)
            .subquery()
        )
        rows = db.session.execute(
            select(ImpersonationSession, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.session_id == ImpersonationSession.id)
            .order_by(ImpersonationSession.started_at.desc(), ImpersonationSession.id.desc())
            .limit(SESSIONS_PAGE_SIZE)
            .offset((page - 1) * SESSIONS_PAGE_SIZE)
        ).all()
        return self.render_template(
            "security/impersonation_sessions.html",
            rows=rows,
            page=page,
            pages=max((total + SESSIONS_PAGE_SIZE - 1) // SESSIONS_PAGE_SIZE, 1),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        row = db.session.get(ImpersonationSession, pk)
        if row is None:
            abort(404)
        requests = db.session.scalars(
            select(ImpersonationRequest)
            .where(ImpersonationRequest.session_id == pk)
            .order_by(ImpersonationRequest.at, ImpersonationRequest.id)
            .limit(1000)
        ).all()
        return self.render_template("security/impersonation_session.html", row=row, requests=requests)


def register(appbuilder):
    appbuilder.add_view_no_menu(ImpersonationView)
    appbuilder.add_link(
        "Act as a user",
        href="/impersonation/",
        label=_l("Act as…"),  # short: the administrator's menu fits one row at 1280 px
        icon="fa-user-secret",
        cond=lambda: impersonation.may_impersonate(g.user),
    )
    appbuilder.add_view(
        ImpersonationSessionsView,
        "Impersonation sessions",
        label=_l("Impersonation sessions"),
        icon="fa-user-secret",
        category="Security",
    )
