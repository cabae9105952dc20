"""The student's pages: « Mon contrat », « Mes contrats », « Assistance / contacts utiles »."""
from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import policy
from app.catalog.models import Accommodation
from app.campaign import (
    campaign_for,
    current_settings,
    help_texts,
    student_edits_open,
)
from app.contracts import document, editing, panels, workflow
from app.contracts.errors import Incomplete, NotAllowed, StaleContract
from app.contracts.models import DOUBLE, INITIAL, KINDS, REORIENTATION, Contract
from app.contracts.signals import contract_read
from app.extensions import db
from app.people.models import DetuAssignment, TeacherAssignment
from app.privacy.models import PAGE
from app.security import current_impersonator


def typed_values(formdata):
    """What the student typed, to show it again after an error (lists for the needs ticked)."""
    typed = {key: formdata.get(key) for key in formdata.keys()}
    typed["accommodations"] = formdata.getlist("accommodations")
    return typed


class MyContractView(BaseView):
    route_base = "/my"
    default_view = "contract"
    method_permission_name = {"contract": "use", "contracts": "use", "show": "use", "contacts": "use"}

    def _student(self):
        """The signed-in student's record; without one (registration not synced yet) a clear page."""
        student = policy.student_record(g.user)
        if student is None:
            abort(make_response(self.render_template("my/unknown_student.html"), 404))
        return student

    @expose("/contract/", methods=["GET", "POST"])
    @has_access
    def contract(self):
        student = self._student()
        settings = current_settings()
        year = settings.current_year
        kind = request.values.get("kind", INITIAL)
        if kind not in KINDS:
            abort(404)
        contract = workflow.find_contract(student, year, kind)
        if request.method == "POST":
            return self._post(student, year, kind, contract)
        if contract is None:
            return self._render_start(student, year, kind)
        contract_read.send(contract, channel=PAGE)  # recorded only when someone acts as the student
        return self._render_form(contract)

    def _post(self, student, year, kind, contract):
        action = request.form.get("action", "save")
        if action not in ("start", "save", "validate"):
            abort(400)
        if contract is None:
            try:
                contract = workflow.start_contract(student, year, kind, g.user, current_impersonator())
            except NotAllowed as exc:
                flash(exc.message, "danger")
                return self._render_start(student, year, kind, status=409)
            if action == "start":
                flash(_l("Your contract has been started: your director of studies is informed."), "success")
                return redirect(url_for(".contract", kind=kind))
        typed = typed_values(request.form)
        try:
            editing.save_student_part(contract, g.user, request.form, request.form.get("version"))
        except Incomplete as exc:
            return self._render_form(contract, typed, dict(exc.problems), 422)
        except StaleContract as exc:
            db.session.refresh(contract)
            return self._render_form(contract, typed, {"_form": exc.message}, 409)
        except NotAllowed as exc:
            return self._render_form(contract, typed, {"_form": exc.message}, 403)
        if action == "validate":
            try:
                workflow.submit(contract, g.user, current_impersonator())
            except Incomplete as exc:
                flash(_l("Your changes are saved as a draft, but the contract is not validated yet."), "warning")
                return self._render_form(contract, None, dict(exc.problems), 422)
            except NotAllowed as exc:
                return self._render_form(contract, None, {"_form": exc.message}, 403)
            flash(_l("Your contract is validated: your director of studies will now sign it."), "success")
        else:
            flash(_l("Your contract has been saved as a draft."), "success")
        return redirect(url_for(".contract", kind=kind))

    def _render_start(self, student, year, kind, status=200):
        registration = workflow.registration_for(student, year, kind)
        return (
            self.render_template(
                "my/start.html",
                student=student,
                year=year,
                kind=kind,
                registration=registration,
                open=student_edits_open(year),
                campaign=campaign_for(year),
            ),
            status,
        )

    def _render_form(self, contract, typed=None, errors=None, status=200):
        writable = policy.writable_fields(g.user, contract)
        chosen = {a.accommodation_id for a in contract.accommodations}
        catalogue = db.session.scalars(
            select(Accommodation)
            .where((Accommodation.active.is_(True)) | (Accommodation.id.in_(chosen)))
            .order_by(Accommodation.position)
        ).all()
        return (
            self.render_template(
                "my/contract.html",
                contract=contract,
                settings=current_settings(),
                campaign=campaign_for(contract.year),
                editable=bool(writable & policy.STUDENT_FIELDS),
                can_validate=policy.SUBMIT in policy.allowed_transitions(
                    g.user, contract, impersonating=current_impersonator() is not None
                ),
                catalogue=catalogue,
                chosen=set(typed.get("accommodations", [])) if typed else {str(i) for i in chosen},
                typed=typed,
                errors=errors or {},
                help=help_texts(str(self._locale())),
                panels=panels.panels_for(contract, g.user),
                links=panels.links_for(contract, g.user),
                # Second contracts are offered from the annual one: reorientation, double enrolment (V3).
                second_contracts=[
                    kind for kind in (REORIENTATION, DOUBLE)
                    if contract.kind == INITIAL and workflow.can_start(contract.student, contract.year, kind)
                ],
                document=document.view(document.of(contract), contract),
            ),
            status,
        )

    @staticmethod
    def _locale():
        from flask_babel import get_locale

        return get_locale() or "fr"

    @expose("/contracts/")
    @has_access
    def contracts(self):
        student = self._student()
        contracts = db.session.scalars(
            select(Contract).where(Contract.student_id == student.id).order_by(Contract.year.desc(), Contract.kind)
        ).all()
        return self.render_template("my/contracts.html", student=student, contracts=contracts)

    @expose("/contracts/<int:pk>")
    @has_access
    def show(self, pk):
        student = self._student()
        contract = policy.readable_contract(g.user, pk)
        if contract is None or contract.student_id != student.id:  # staff roles read theirs elsewhere
            abort(404)
        contract_read.send(contract, channel=PAGE)  # recorded only when someone acts as the student
        return self._render_form(contract)

    @expose("/contacts/")
    @has_access
    def contacts(self):
        student = self._student()
        year = current_settings().current_year
        programme_ids = {r.programme_id for r in student.registrations_for(year)}
        programme_ids |= {
            c.programme_id
            for c in db.session.scalars(select(Contract).where(Contract.student_id == student.id, Contract.year == year))
        }
        detus = db.session.scalars(
            select(DetuAssignment).where(DetuAssignment.programme_id.in_(programme_ids))
        ).all()
        teachers = db.session.scalars(
            select(TeacherAssignment).where(TeacherAssignment.student_id == student.id)
        ).all()
        return self.render_template(
            "my/contacts.html",
            detus=sorted(detus, key=lambda a: (a.programme.code, a.user.last_name)),
            teachers=[t.user for t in teachers],
            settings=current_settings(),
        )
