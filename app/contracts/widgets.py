"""The contract views' Flask-AppBuilder widgets: list, search and show, each with its template.

FAB renders widgets with the bare Jinja environment; these render with the application's template
context (labels, locale, policy, formatting filters), like every page.
"""
from flask import render_template
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget, SearchWidget, ShowWidget


class _InPageContext(RenderTemplateWidget):
    def __call__(self, **kwargs):
        args = self.template_args.copy()
        args.update(kwargs)
        return render_template(self.template, **args)


class ContractListWidget(_InPageContext, ListWidget):
    """FAB's list (sortable headers, page size, actions) with the count, keyset pages and the rows' links."""

    template = "contracts/widgets/list.html"


class ContractSearchWidget(_InPageContext, SearchWidget):
    """Labelled selects for every filter: the list's query arguments (``q``, ``programme``, ``year``…)."""

    template = "contracts/widgets/search.html"


class ContractShowWidget(_InPageContext, ShowWidget):
    """The contract as a document, in the legal order."""

    template = "contracts/widgets/show.html"
