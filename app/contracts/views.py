"""Staff pages on contracts: Flask-AppBuilder's list and show, the DETU's form, sign, return, comment.

Thin views. Rows come from ``app.policy``: its SQL rule is the view's base filter, and every read
by id goes through ``policy.readable_contract``. Pages come from ``listing``, changes from ``editing``,
``workflow`` and ``bulk``. A contract the user may not see answers 404, as if it did not exist.
"""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from flask_babel import lazy_gettext as _l
from app import policy
from app import roles as R
from app.campaign import help_texts, hour_volumes
from app.contracts import changes, document, editing, forms, listing, loading, panels, workflow
from app.contracts.bulk_views import BulkActions
from app.contracts.datamodel import ContractInterface, VisibleContracts
from app.contracts.errors import ContractError, Incomplete, StaleContract
from app.contracts.models import Contract
from app.contracts.search import ContractSearch
from app.contracts.signals import contract_read
from app.contracts.widgets import ContractListWidget, ContractSearchWidget, ContractShowWidget
from app.extensions import db
from app.privacy.models import PAGE
from app.security import current_impersonator

PAGE_WINDOW = 2  # numbered pages shown on each side of the current one


def visible_contract_or_404(pk, *options):
    """The contract if the user may read it (app.policy.readable_contract), else 404 as if it did not exist."""
    contract = policy.readable_contract(g.user, pk, *options)
    if contract is None:
        abort(404)
    return contract


def _bounded(raw, default, low, high):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def _locale():
    from flask_babel import get_locale

    return str(get_locale() or "fr")


def _list_url(**changes):
    """This list's address with some arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return url_for("ContractsView.list", **args)


def _previous_url(page, key):
    """By keyset when the page came by keyset; the first pages by their number."""
    if page.number == 0:
        return None
    if page.previous_cursor and page.number > 1:
        return _list_url(**{key: page.number - 1, "before": page.previous_cursor, "after": None})
    return _list_url(**{key: page.number - 1 or None, "after": None, "before": None})


def _next_url(page, key):
    if not page.next_cursor:
        return None
    return _list_url(**{key: page.number + 1, "after": page.next_cursor, "before": None})


class ContractsView(BulkActions, ModelView):
    route_base = "/contracts"
    datamodel = ContractInterface(Contract)
    base_filters = [["id", VisibleContracts, lambda: None]]
    include_route_methods = {
        "list", "show", "edit", "action_post", "sign", "return_contract", "comment", "next_to_sign",
    }
    method_permission_name = {
        "list": "read", "show": "read", "edit": "edit",
        "sign": "sign", "return_contract": "sign", "next_to_sign": "sign", "sign_selected": "sign",
        "comment": "comment", "pdfs_selected": "bulk", "export_selected": "export",
    }
    list_title = _l("Contracts")
    show_title = _l("Contract")
    list_columns = ["student_number", "student_name", "programme", "year", "kind", "status", "updated_at"]
    order_columns = list(listing.SORTS)
    label_columns = {
        "student_number": _l("Student number"), "student_name": _l("Student"), "programme": _l("Programme"),
        "year": _l("Year"), "kind": _l("Contract"), "status": _l("Status"), "updated_at": _l("Last change"),
    }
    # FAB's own search form is not shown (ContractSearchWidget is): keep it to one plain column.
    search_columns = add_columns = edit_columns = show_columns = ["year"]
    list_widget = ContractListWidget
    search_widget = ContractSearchWidget
    show_widget = ContractShowWidget
    list_template = "contracts/list.html"
    show_template = "contracts/show.html"
    page_size = 50

    # --- list -----------------------------------------------------------------------------------

    def _list(self, **kwargs):
        name, args = self.__class__.__name__, request.args
        search = ContractSearch.from_args(args, default_year=listing.default_year())
        order = (args.get(f"_oc_{name}") or listing.DEFAULT_SORT[0], args.get(f"_od_{name}") or listing.DEFAULT_SORT[1])
        page = listing.fetch_page(
            g.user, search, order,
            number=_bounded(args.get(f"page_{name}"), 0, 0, 10**6),
            size=_bounded(args.get(f"psize_{name}"), self.page_size, 1, listing.MAX_PAGE_SIZE),
            after=args.get("after"), before=args.get("before"),
        )
        self.update_redirect()
        return {
            "search": self.search_widget(
                route_base=self.route_base, form=None, include_cols=[], exclude_cols=[], filters=self._filters,
                search=search, options=listing.cached_filter_options(g.user), ignored=search.ignored + page.ignored,
            ),
            "list": self.list_widget(
                label_columns=self.label_columns, include_columns=self.list_columns, value_columns=page.rows,
                order_columns=self.order_columns, formatters_columns={}, page=page.number, page_size=page.size,
                count=page.count, pks=[c.id for c in page.rows], actions=self.actions, filters=self._filters,
                modelview_name=name, contracts=page.rows, listing=page, cap=listing.COUNT_CAP,
                list_links=panels.list_links_for(g.user, search) + self._not_started_link(search),
                **self._page_urls(page, name),
            ),
        }

    def _not_started_link(self, search):
        """The registered students of these programmes who have not started a contract (app.reports)."""
        if not self.appbuilder.sm.has_access("can_read", "ReportsView"):
            return []
        args = {"year": search.year, "faculty": search.faculty_id, "programme": search.programme_id}
        url = url_for("ReportsView.report", name="pending", **{k: v for k, v in args.items() if v is not None})
        return [(_l("Registered students who have not started a contract"), url)]

    @staticmethod
    def _page_urls(page, name):
        """Numbered pages near this one (offsets), and the previous and next ones by keyset."""
        key = f"page_{name}"
        near = range(max(page.number - PAGE_WINDOW, 0), min(page.number + PAGE_WINDOW, page.last_number) + 1)
        urls, last = [], None
        for number in sorted({0, page.last_number, *near}):
            if last is not None and number > last + 1:
                urls.append((None, None))  # a gap
            urls.append((number, _list_url(**{key: number or None, "after": None, "before": None})))
            last = number
        return {"page_urls": urls, "previous_url": _previous_url(page, key), "next_url": _next_url(page, key)}

    # --- show -----------------------------------------------------------------------------------

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        return self._render_show(visible_contract_or_404(pk, *loading.detail()))

    def _render_show(self, contract, errors=None, typed=None, status=200):
        impersonator = current_impersonator()
        widgets = {"show": self.show_widget(
            contract=document.view(document.of(contract), contract), registration=contract.registration,
            show_registration=policy.can_see_sis_record(g.user, contract),
        )}
        page = self.render_template(
            self.show_template,
            title=self.show_title,
            widgets=widgets,
            contract=contract,
            events=contract.events,
            writable=policy.writable_fields(g.user, contract),
            transitions=policy.allowed_transitions(g.user, contract, impersonating=impersonator is not None),
            panels=panels.panels_for(contract, g.user),
            links=panels.links_for(contract, g.user),
            missing_for_sign=workflow.missing_for_sign(contract),
            comparison=changes.since_last_return(contract, _locale()),
            comments=editing.comment_history(contract),
            errors=errors or {},
            typed=typed or {},
        )
        # Every rendering of the whole contract is a read (app.privacy), also after a refused change.
        # Recorded once the page is written: the record commits, which would make the page read the
        # contract and its lists again.
        contract_read.send(contract, channel=PAGE)
        return page, status

    # --- the DETU's form --------------------------------------------------------------------------

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        contract = visible_contract_or_404(pk, *loading.document())
        if not policy.can_edit_as_detu(g.user, contract):
            abort(403)
        choices = editing.remediation_choices(contract)
        form, errors, status = forms.detu_form(contract, choices), {}, 200
        if request.method == "POST":
            form = forms.detu_form(contract, choices, request.form)
            adding = request.form.get("add_row")
            if adding in ("remediations", "advance_courses"):
                form.add_row(adding)  # nothing is saved: the page comes back with one more row
            else:
                try:
                    editing.save_detu_part(contract, g.user, request.form, request.form.get("version"))
                except Incomplete as exc:
                    form, errors, status = exc.form, dict(exc.problems), 422
                except StaleContract as exc:
                    db.session.refresh(contract)
                    errors, status = {"_form": exc.message}, 409
                except ContractError as exc:
                    abort(403, exc.message)
                else:
                    flash(_l("The contract has been saved."), "success")
                    return redirect(url_for(".show", pk=pk))
        contract_read.send(contract, channel=PAGE)  # every rendering of the form shows the contract (app.privacy)
        return (
            self.render_template(
                "contracts/edit.html", contract=contract, form=form, errors=errors, hour_volumes=hour_volumes(),
                remediations=choices, help=help_texts(_locale()), max_rows=forms.MAX_ROWS,
            ),
            status,
        )

    # --- transitions ------------------------------------------------------------------------------

    @expose("/<int:pk>/sign", methods=["GET", "POST"])
    @has_access
    def sign(self, pk):
        """GET: what is about to be signed, and a button that POSTs here; POST: the signature, in one
        step (the stable interface other systems post to). Both check the policy; nothing changes on GET."""
        contract = visible_contract_or_404(pk, *loading.detail())
        impersonator = current_impersonator()
        refusal = policy.transition_refusal(g.user, contract, policy.SIGN, impersonating=impersonator is not None)
        if refusal:
            return self._render_show(contract, {"_form": refusal}, status=403)
        if request.method == "GET":
            contract_read.send(contract, channel=PAGE)  # the confirmation shows the whole contract (app.privacy)
            return self.render_template("contracts/sign_confirm.html", contract=contract,
                                        missing=workflow.missing_for_sign(contract))
        return self._transition(contract, lambda: workflow.sign(contract, g.user, impersonator),
                                _l("The contract is signed."))

    @expose("/next-to-sign/")
    @has_access
    def next_to_sign(self):
        """The next contract waiting for this DETU's signature, in the order they were validated."""
        pk = listing.next_to_sign(g.user, after=request.args.get("after"))
        if pk is None:
            flash(_l("No other contract awaits your signature."), "info")
            return redirect(url_for(".list", status="submitted"))
        return redirect(url_for(".show", pk=pk))

    @expose("/<int:pk>/return", methods=["POST"])
    @has_access
    def return_contract(self, pk):
        contract = visible_contract_or_404(pk, *loading.detail())
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
        contract = visible_contract_or_404(pk, *loading.detail())
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
    from app.contracts.student_record_views import StudentRecordView
    from app.contracts.student_views import MyContractView

    appbuilder.add_view_no_menu(StudentRecordView)
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
