"""The contract views' Flask-AppBuilder widgets: list, search and show, each with its template.

FAB renders widgets with the bare Jinja environment; these render with the application's template
context (labels, locale, policy, formatting filters), like every page.
"""
from flask import render_template
from flask_babel import gettext
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget, SearchWidget, ShowWidget

from app.contracts import labels
from app.people.models import Programme
from app.ui.display import datetime_formatter


class _InPageContext(RenderTemplateWidget):
    def __call__(self, **kwargs):
        args = self.template_args.copy()
        args.update(kwargs)
        return render_template(self.template, **args)


class ContractListWidget(_InPageContext, ListWidget):
    """FAB's list (sortable headers, page size, actions) with the count, keyset pages and the rows' links."""

    template = "contracts/widgets/list.html"

    def __call__(self, **kwargs):
        contracts = kwargs.get("contracts", self.template_args["contracts"])
        return super().__call__(cells=self.cells(contracts), **kwargs)

    @staticmethod
    def cells(rows):
        """What each row shows, as text: (id, student number, name, repeating, programme, year, kind,
        status, status label, last change, its checkbox's label). One pass in Python costs less than
        attribute lookups, label lookups, translations and date formatting done cell by cell in the
        template. ``rows``: the list's rows (``listing.ROW_COLUMNS``)."""
        kinds, statuses = labels.translated(labels.KIND_LABELS), labels.translated(labels.STATUS_LABELS)
        when = datetime_formatter()
        select_label = gettext("Select the contract of %(name)s")  # translated once, filled per row
        cells = []
        for r in rows:
            name = f"{r.last_name} {r.first_name}"
            cells.append((r.id, r.student_number, name, bool(r.is_repeating),
                          Programme.code_of(r.step_code, r.step_version), labels.year_label(r.year), kinds[r.kind],
                          r.status, statuses[r.status], when(r.updated_at), select_label % {"name": name}))
        return cells


class ContractSearchWidget(_InPageContext, SearchWidget):
    """Labelled selects for every filter: the list's query arguments (``q``, ``programme``, ``year``…)."""

    template = "contracts/widgets/search.html"


class ContractShowWidget(_InPageContext, ShowWidget):
    """The contract as a document, in the legal order."""

    template = "contracts/widgets/show.html"
