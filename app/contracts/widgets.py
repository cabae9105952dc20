"""The contract views' Flask-AppBuilder widgets: list, search and show, each with its template.

FAB renders widgets with the bare Jinja environment; these render with the application's template
context (labels, locale, policy, formatting filters), like every page.
"""
from flask import render_template
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget, SearchWidget, ShowWidget

from app.contracts import labels
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
    def cells(contracts):
        """What each row shows, as text: (id, student number, name, repeating, programme, year, kind,
        status, status label, last change). One pass in Python costs less than attribute lookups,
        label lookups and date formatting done cell by cell in the template."""
        kinds, statuses = labels.translated(labels.KIND_LABELS), labels.translated(labels.STATUS_LABELS)
        when = datetime_formatter()
        rows = []
        for c in contracts:
            student, registration = c.student, c.registration
            rows.append((c.id, student.student_number, f"{student.last_name} {student.first_name}",
                         registration is not None and registration.is_repeating, c.programme.code,
                         labels.year_label(c.year), kinds[c.kind], c.status, statuses[c.status], when(c.updated_at)))
        return rows


class ContractSearchWidget(_InPageContext, SearchWidget):
    """Labelled selects for every filter: the list's query arguments (``q``, ``programme``, ``year``…)."""

    template = "contracts/widgets/search.html"


class ContractShowWidget(_InPageContext, ShowWidget):
    """The contract as a document, in the legal order."""

    template = "contracts/widgets/show.html"
