"""Referents' and admins' pages: the sync runs, their errors, and "start a sync" (a request that
the scheduler process picks up within a minute)."""
import re

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup
from wtforms import SelectField

from app import academic_year, policy
from app.extensions import db
from app.sis import REQUESTS_JOB
from app.sis.models import FAILED, RUNNING, SyncError, SyncRun
from app.sis.runs import SyncOptions, SyncRefused, current_activity, request_run
from app.ui.datamodel import ListInterface
from app.ui.display import choice
from app.ui.modelviews import ProjectModelView

PROGRAMME_CODE = re.compile(r"^[A-Za-z0-9_]{1,16}(-[A-Za-z0-9_]{1,8})?$")
STATUS_CLASSES = {"ok": "success", "partial": "warning", "failed": "danger", "running": "info", "requested": "default"}
STATUS_LABELS = {"ok": _l("Succeeded"), "partial": _l("Partly failed"), "failed": _l("Failed"),
                 "running": _l("Running"), "requested": _l("Requested")}
TRIGGER_LABELS = {"cli": _l("Command line"), "ui": _l("This page"), "schedule": _l("Schedule")}


def _status(status):
    return Markup('<span class="label label-{}">{}</span>').format(
        STATUS_CLASSES.get(status, "default"), STATUS_LABELS.get(status, status)
    )


def run_summary(run):
    """What a run did, in the reader's language (the stored ``summary`` is the log's, in English)."""
    parts = [_headline(run), *_changes(run)]
    if run.dry_run:
        parts.insert(0, _l("Dry run, nothing saved."))
    return " ".join(str(part) for part in parts)


def _headline(run):
    if run.status == RUNNING:
        return _l("%(num)s of %(total)s students processed so far.", num=run.processed, total=run.total)
    if run.status == FAILED:
        return _l("Failed after %(num)s of %(total)s students.", num=run.processed, total=run.total)
    if not (run.created or run.updated or run.failed or any(_change_counts(run))):
        return _l("No change: %(num)s students checked, all already up to date.", num=run.total)
    return ngettext(
        "%(num)s student: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(failed)s failed.",
        "%(num)s students: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(failed)s failed.",
        run.total, created=run.created, updated=run.updated, unchanged=run.unchanged, failed=run.failed)


def _change_counts(run):
    return run.cancelled, run.contracts_updated, run.programmes_changed or run.faculties_changed


def _changes(run):
    cancelled, contracts, offer = _change_counts(run)
    if cancelled:
        yield ngettext("%(num)s registration marked cancelled.", "%(num)s registrations marked cancelled.", cancelled)
    if contracts:
        yield ngettext("%(num)s double enrolment updated on a contract.",
                       "%(num)s double enrolments updated on contracts.", contracts)
    if offer:
        yield _l("Programmes changed: %(programmes)s; faculties changed: %(faculties)s.",
                 programmes=run.programmes_changed, faculties=run.faculties_changed)


def _errors_link(run_id):
    if not run_id:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for("SyncErrorView.list", _flt_0_run=run_id), _l("Errors"))


def parse_start_form(form):
    """(SyncOptions without trigger, None) or (None, the message saying what is wrong)."""
    year_raw = (form.get("year") or "").strip()
    programme = (form.get("programme") or "").strip()
    year = None
    if year_raw:
        try:
            year = academic_year.parse(year_raw)
        except ValueError:
            return None, academic_year.invalid_message()
    if programme and not PROGRAMME_CODE.match(programme):
        return None, _l("The programme is a step code such as L1MATH, or L1MATH-101 with its version.")
    return SyncOptions(year=year, programme=programme or None, dry_run=bool(form.get("dry_run"))), None


class SyncRunView(ProjectModelView):
    datamodel = ListInterface(SyncRun)
    include_route_methods = {"list", "start"}
    base_permissions = ["can_list", "can_start"]
    list_template = "sis/runs_list.html"
    list_title = _l("Apogée sync runs")
    base_order = ("id", "desc")
    list_columns = ["id", "started_at", "status", "trigger", "started_by", "year", "programme", "processed",
                    "total", "outcome", "reason", "errors_of"]
    search_columns = ["status", "trigger", "year", "dry_run"]
    search_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=list(STATUS_LABELS.items())),
        "trigger": SelectField(_l("Started from"), choices=list(TRIGGER_LABELS.items())),
    }
    label_columns = {
        "id": "#", "started_at": _l("Started"), "finished_at": _l("Finished"), "status": _l("Status"),
        "trigger": _l("Started from"), "started_by": _l("By"), "year": _l("Academic year"),
        "programme": _l("Programme"), "dry_run": _l("Dry run"), "processed": _l("Processed"),
        "total": _l("Students"), "created": _l("Created"), "updated": _l("Updated"),
        "unchanged": _l("Unchanged"), "failed": _l("Failed"), "outcome": _l("Summary"),
        "reason": _l("Reason of the failure"), "errors_of": _l("Errors"),
    }
    formatters_columns = {
        "status": _status, "errors_of": _errors_link, "trigger": choice(TRIGGER_LABELS), "outcome": run_summary,
    }

    def render_template(self, template, **kwargs):
        # The list says what is going on now (and refreshes itself meanwhile).
        if template == self.list_template:
            kwargs["activity"] = current_activity(db.session, current_app.config, REQUESTS_JOB)
        return super().render_template(template, **kwargs)

    @expose("/start", methods=["POST"])
    @has_access
    def start(self):
        if not policy.can_configure(g.user):  # the page's permission is not the row rule
            flash(_l("You cannot start a sync."), "danger")
            return redirect(url_for(".list"))
        options, problem = parse_start_form(request.form)
        if problem:
            typed = {name: request.form.get(name, "") for name in ("year", "programme", "dry_run")}
            flash(problem, "danger")
            return redirect(url_for(".list", **{k: v for k, v in typed.items() if v}))
        options.trigger, options.started_by = "ui", g.user.username
        try:
            run_id = request_run(options)
        except SyncRefused as exc:
            flash(str(exc), "warning")
            return redirect(url_for(".list"))
        flash(_l("Sync #%(id)s requested: the scheduler starts it within a minute; this page shows its progress.",
                 id=run_id), "info")
        return redirect(url_for(".list"))


class SyncErrorView(ProjectModelView):
    datamodel = ListInterface(SyncError)
    include_route_methods = {"list"}
    base_permissions = ["can_list"]
    list_title = _l("Apogée sync errors")
    base_order = ("id", "desc")
    list_columns = ["run", "student_number", "code", "message"]
    search_columns = ["run", "student_number", "code"]
    label_columns = {"run": _l("Sync run"), "student_number": _l("Student number"), "code": _l("Code"),
                     "message": _l("Message")}


def register(appbuilder):
    appbuilder.add_view(SyncRunView, "Apogée sync", label=_l("Apogée sync"), icon="fa-sync",
                        category="Reference data")
    appbuilder.add_view_no_menu(SyncErrorView)
