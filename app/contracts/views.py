"""Staff pages on contracts: list, detail, the DETU's form, sign, return, comment.

Thin views: rows come from ``app.policy``, changes from ``editing`` and ``workflow``.
A contract the user may not see answers 404, as if it did not exist.
"""
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import policy
from app import roles as R
from app.catalog.models import Accommodation, Remediation
from app.catalog.service import hour_volumes
from app.contracts import editing, panels, workflow
from app.contracts.errors import ContractError, Incomplete, StaleContract
from app.contracts.forms import form_data
from app.contracts.models import Contract
from app.contracts.search import ContractSearch, visible_contracts_query
from app.extensions import db
from app.people.models import Faculty, Programme
from app.privacy.reads import PAGE, record_read
from app.security import current_impersonator


def visible_contract_or_404(pk):
    contract = db.session.get(Contract, pk)
    if contract is None or not policy.can_view(g.user, contract):
        abort(404)
    return contract


def detu_form_values(contract, typed=None):
    """What the DETU's form shows: what they typed (after an error) or what is saved, plus blank rows."""
    if typed is not None:
        hours = {item.id: typed.get(f"hours_{item.id}") or "" for item in contract.accommodations}
        remediations = list(zip(typed["remediation_id"], typed["remediation_hours"]))
        courses = list(zip(typed["course_code"], typed["course_label"], typed["course_ects"]))
        support, notes, version = typed.get("support_hours") or "", typed.get("path_notes") or "", typed.get("version")
    else:
        hours = {item.id: _plain(item.hours) for item in contract.accommodations}
        remediations = [(str(r.remediation_id), _plain(r.hours)) for r in contract.remediations]
        courses = [(c.code, c.label, _plain(c.ects)) for c in contract.advance_courses]
        support, notes, version = _plain(contract.support_hours), contract.path_notes, contract.version
    blank_rows = 2
    return {
        "hours": hours,
        "remediations": remediations + [("", "")] * blank_rows,
        "courses": courses + [("", "", "")] * blank_rows,
        "support_hours": support,
        "path_notes": notes,
        "version": version,
    }


def _plain(number):
    return "" if number is None else format(number.normalize(), "f")


class ContractsView(BaseView):
    route_base = "/contracts"
    default_view = "list"
    method_permission_name = {
        "list": "read",
        "show": "read",
        "edit": "edit",
        "sign": "sign",
        "return_contract": "sign",
        "comment": "comment",
    }

    @expose("/list/")
    @has_access
    def list(self):
        search = ContractSearch.from_args(request.args)
        page = max(request.args.get("page", type=int) or 1, 1)
        size = current_app.config["CONTRACTS_PAGE_SIZE"]
        query = visible_contracts_query(g.user, search)
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        contracts = db.session.scalars(query.limit(size).offset((page - 1) * size)).unique().all()
        visible = policy.visible_contracts(g.user)
        return self.render_template(
            "contracts/list.html",
            search=search,
            contracts=contracts,
            total=total,
            page=page,
            pages=max((total + size - 1) // size, 1),
            programmes=db.session.scalars(
                select(Programme)
                .where(Programme.id.in_(select(Contract.programme_id).where(visible)))
                .order_by(Programme.step_code)
            ).all(),
            faculties=db.session.scalars(select(Faculty).order_by(Faculty.code)).all(),
            years=db.session.scalars(
                select(Contract.year).where(visible).distinct().order_by(Contract.year.desc())
            ).all(),
            accommodations=db.session.scalars(
                select(Accommodation)
                .where(Accommodation.health_related.is_(False))
                .order_by(Accommodation.position)
            ).all(),
            list_links=panels.list_links_for(g.user, search),
        )

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        contract = visible_contract_or_404(pk)
        record_read(contract, PAGE)
        return self._render_show(contract)

    def _render_show(self, contract, errors=None, typed=None, status=200):
        impersonator = current_impersonator()
        return (
            self.render_template(
                "contracts/show.html",
                contract=contract,
                events=contract.events,
                writable=policy.writable_fields(g.user, contract),
                transitions=policy.allowed_transitions(g.user, contract, impersonating=impersonator is not None),
                show_registration=policy.can_see_sis_record(g.user, contract),
                panels=panels.panels_for(contract, g.user),
                links=panels.links_for(contract, g.user),
                missing_for_sign=workflow.missing_for_sign(contract),
                errors=errors or {},
                typed=typed or {},
            ),
            status,
        )

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        contract = visible_contract_or_404(pk)
        if not policy.can_edit_as_detu(g.user, contract):
            abort(403)
        errors, typed, status = {}, None, 200
        if request.method == "GET":
            record_read(contract, PAGE)
        if request.method == "POST":
            typed = form_data(request.form)
            try:
                editing.save_detu_part(contract, g.user, typed, typed.get("version"))
            except Incomplete as exc:
                errors, status = dict(exc.problems), 422
            except StaleContract as exc:
                db.session.refresh(contract)
                errors, status = {"_form": exc.message}, 409
            except ContractError as exc:
                abort(403, exc.message)
            else:
                flash(_l("The contract has been saved."), "success")
                return redirect(url_for(".show", pk=pk))
        return (
            self.render_template(
                "contracts/edit.html",
                contract=contract,
                values=detu_form_values(contract, typed),
                errors=errors,
                hour_volumes=hour_volumes(),
                remediations=db.session.scalars(
                    select(Remediation).where(Remediation.active.is_(True)).order_by(Remediation.kind, Remediation.label)
                ).all(),
            ),
            status,
        )

    @expose("/<int:pk>/sign", methods=["POST"])
    @has_access
    def sign(self, pk):
        contract = visible_contract_or_404(pk)
        return self._transition(contract, lambda: workflow.sign(contract, g.user, current_impersonator()),
                                _l("The contract is signed."))

    @expose("/<int:pk>/return", methods=["POST"])
    @has_access
    def return_contract(self, pk):
        contract = visible_contract_or_404(pk)
        reason = request.form.get("reason", "")
        return self._transition(
            contract,
            lambda: workflow.return_to_student(contract, g.user, reason, current_impersonator()),
            _l("The contract has been returned to the student."),
            typed={"reason": reason},
        )

    @expose("/<int:pk>/comment", methods=["POST"])
    @has_access
    def comment(self, pk):
        contract = visible_contract_or_404(pk)
        text = request.form.get("comment", "")
        try:
            editing.save_comment(contract, g.user, text, request.form.get("version"))
        except Incomplete as exc:
            return self._render_show(contract, dict(exc.problems), {"comment": text}, 422)
        except StaleContract as exc:
            db.session.refresh(contract)
            return self._render_show(contract, {"comment": exc.message}, {"comment": text}, 409)
        except ContractError as exc:
            return self._render_show(contract, {"_form": exc.message}, {"comment": text}, 403)
        flash(_l("The comment has been saved."), "success")
        return redirect(url_for(".show", pk=pk))

    def _transition(self, contract, make, success, typed=None):
        try:
            make()
        except Incomplete as exc:
            return self._render_show(contract, dict(exc.problems), typed, 422)
        except ContractError as exc:
            return self._render_show(contract, {"_form": exc.message}, typed, 403)
        flash(success, "success")
        return redirect(url_for(".show", pk=contract.id))


def register(appbuilder):
    from app.contracts.student_views import MyContractView

    # The dashboard heading this menu lives in app.reports.
    appbuilder.add_view(
        ContractsView, "Contract list", href="/contracts/list/", label=_l("Contract list"), icon="fa-list",
        category="Contracts", category_label=_l("Contracts"),
    )
    # A student's pages, in a student's menu only (an administrator holds every permission).
    def is_student():
        return policy.has_role(g.user, R.STUDENT)

    appbuilder.add_view(MyContractView, "My contract", href="/my/contract/", label=_l("My contract"),
                        icon="fa-file-signature", menu_cond=is_student)
    appbuilder.add_link("My contracts", href="/my/contracts/", label=_l("My contracts"), icon="fa-folder-open",
                        cond=is_student)
    appbuilder.add_link("Useful contacts", href="/my/contacts/", label=_l("Help and contacts"),
                        icon="fa-address-book", cond=is_student)
