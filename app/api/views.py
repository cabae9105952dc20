"""Administrators' pages for the API's machine clients: service accounts, their scope, their keys.

Thin views over ``accounts``; the permission (``ServiceAccountsView``) is the Admin role's only.
"""
from datetime import datetime, time

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.api import accounts
from app.api.forms import EditAccountForm, KeyForm, NewAccountForm
from app.api.models import ServiceAccount
from app.api.query import MAX_ID
from app.extensions import db
from app.people.models import Faculty


def _with_faculties(form):
    form.faculties.choices = [
        (f.code, f"{f.code} – {f.label}") for f in db.session.scalars(select(Faculty).order_by(Faculty.code))
    ]
    return form


def _scope(form):
    return accounts.Scope(form.purpose.data, tuple(form.faculties.data or ()), form.all_faculties.data,
                          form.health_needs.data)


class ServiceAccountsView(BaseView):
    route_base = "/service-accounts"
    default_view = "index"
    method_permission_name = {name: "manage" for name in ("index", "add", "edit", "issue_key", "revoke_key")}

    @expose("/")
    @has_access
    def index(self):
        rows = [(account, accounts.keys_of(account)) for account in accounts.service_accounts()]
        return self.render_template("api/service_accounts.html", rows=rows, key_form=KeyForm(), now=datetime.now())

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = _with_faculties(NewAccountForm())
        if form.validate_on_submit():
            try:
                account = accounts.create_service_account(form.username.data, _scope(form), created_by=g.user)
            except accounts.AccountError as exc:
                form.username.errors.append(str(exc))
            else:
                flash(_l("The service account %(name)s is created: issue it a key.", name=account.user.username),
                      "success")
                return redirect(url_for(".index"))
        return self.render_template("api/service_account_form.html", form=form, account=None), _status(form)

    @expose("/<int:pk>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        account = _account_or_404(pk)
        form = _with_faculties(EditAccountForm(obj=None if _posted() else _form_values(account)))
        if form.validate_on_submit():
            try:
                accounts.update_scope(account, _scope(form), active=form.active.data)
            except accounts.AccountError as exc:
                form.purpose.errors.append(str(exc))
            else:
                flash(_l("The service account %(name)s is saved.", name=account.user.username), "success")
                return redirect(url_for(".index"))
        return self.render_template("api/service_account_form.html", form=form, account=account), _status(form)

    @expose("/<int:pk>/keys", methods=["POST"])
    @has_access
    def issue_key(self, pk):
        account = _account_or_404(pk)
        form = KeyForm()
        if not form.validate_on_submit():
            errors = "; ".join(str(e) for field in form for e in field.errors)
            flash(_l("No key issued: %(errors)s", errors=errors), "danger")
            return redirect(url_for(".index"))
        expires = datetime.combine(form.expires_on.data, time.max) if form.expires_on.data else None
        try:
            issued = accounts.issue_key(account, form.name.data, expires)
        except accounts.AccountError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        # Shown once; like every page it is sent "no-store" (app.security.headers): no cache keeps it.
        return self.render_template("api/key_issued.html", account=account, issued=issued)

    @expose("/keys/<key_uuid>/revoke", methods=["POST"])
    @has_access
    def revoke_key(self, key_uuid):
        if not accounts.revoke_key(key_uuid[:36]):
            abort(404)
        flash(_l("The key is revoked: it no longer opens the API."), "success")
        return redirect(url_for(".index"))


def _account_or_404(pk):
    account = db.session.get(ServiceAccount, pk) if pk <= MAX_ID else None
    if account is None:
        abort(404)
    return account


def _posted():
    return request.method == "POST"


def _form_values(account):
    class Values:
        purpose = account.purpose
        all_faculties = account.all_faculties
        faculties = [f.code for f in account.faculties]
        health_needs = account.health_needs
        active = account.user.active

    return Values


def _status(form):
    return 422 if form.is_submitted() and form.errors else 200


def register(appbuilder):
    appbuilder.add_view(
        ServiceAccountsView, "API service accounts", label=_l("API service accounts"), icon="fa-key",
        category="Security",
    )
