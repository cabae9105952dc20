"""Relation filters that never load a whole table: a select that asks the server as one types.

Flask-AppBuilder renders a relation filter as a drop-down of every related row (104,146 accounts on
an assignment list). Here the filter is a select filled by ``GET <view>/related/<column>?q=``, twenty
rows at a time, narrowed by the view's ``search_form_query_rel_fields``; the rows already chosen in
the URL are the only options rendered with the page.
"""
from flask import request
from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import or_
from wtforms import Field

PAGE_SIZE = 20
MAX_TERM = 100
SECRET_COLUMNS = {"password"}


def text_columns(interface):
    """The related model's text columns a term is matched against (never a password hash)."""
    return [
        name for name in interface.get_columns_list()
        if interface.is_string(name) and name not in SECRET_COLUMNS
    ]


def filtered_query(interface, rel_filters):
    filters = interface.get_filters().add_filter_list(rel_filters or [])
    return filters.apply_all(interface.session.query(interface.obj))


def search(interface, rel_filters, term, page, columns=None):
    """One page of related rows matching ``term``: ``{"results": [{id, text}], "pagination": {more}}``."""
    model = interface.obj
    columns = columns or text_columns(interface)
    query = filtered_query(interface, rel_filters)
    term = (term or "").strip()[:MAX_TERM]
    if term:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.filter(or_(*(getattr(model, c).ilike(pattern, escape="\\") for c in columns)))
    order = [getattr(model, c) for c in columns[:2]] + [getattr(model, interface.get_pk_name())]
    rows = query.order_by(*order).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE).all()
    return {
        "results": [{"id": interface.get_pk_value(row), "text": str(row)} for row in rows[:PAGE_SIZE]],
        "pagination": {"more": len(rows) > PAGE_SIZE},
    }


class RelatedFilterField(Field):
    """A filter's value field: an empty select that conpere.js fills from ``url`` as one types."""

    def __init__(self, label, interface, rel_filters, url, **kwargs):
        super().__init__(label, **kwargs)
        self.interface, self.rel_filters, self.url = interface, rel_filters, url

    def __call__(self, **kwargs):
        options = Markup("").join(
            Markup('<option value="{}">{}</option>').format(pk, text) for pk, text in self._chosen()
        )
        return Markup(
            '<select class="form-control conpere-related" data-url="{}" data-placeholder="{}" aria-label="{}">'
            '<option value=""></option>{}</select>'
        ).format(self.url(), gettext("Type a few letters"), escape(self.label.text), options)

    def _chosen(self):
        """The rows the URL's filters on this column point at, so the page shows their names."""
        values = [v for k, vs in request.args.lists() if k.startswith("_flt_") and k.endswith("_" + self.name)
                  for v in vs if v.isdigit()][:10]
        if not values:
            return []
        pk = getattr(self.interface.obj, self.interface.get_pk_name())
        rows = filtered_query(self.interface, self.rel_filters).filter(pk.in_([int(v) for v in values])).all()
        return [(self.interface.get_pk_value(row), str(row)) for row in rows]
