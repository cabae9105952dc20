"""The project's base for every page Flask-AppBuilder generates.

One place for what each generated page needs: a title of its own on every route (the page's <h1>
and <title>), the project's widgets and page templates, values shown in the reader's language,
relation filters that never load a whole table, actions refused before FAB loads any row.
``ReadOnlyModelView`` is the same for lists of data that come from elsewhere (Apogée).
"""
from urllib.parse import urlsplit

from flask import abort, g, jsonify, redirect, request, url_for
from flask_appbuilder import ModelView, expose

from app.guarded import GuardedActions
from app.ui import related as related_rows
from app.ui import widgets

TITLES = {"list": "list_title", "show": "show_title", "add": "add_title", "edit": "edit_title"}


class ProjectModelView(GuardedActions, ModelView):
    list_template = "conpere/model/list.html"
    show_template = "conpere/model/show.html"
    add_template = "conpere/model/add.html"
    edit_template = "conpere/model/edit.html"
    list_widget = widgets.ListWidget
    show_widget = widgets.ShowWidget
    add_widget = edit_widget = widgets.FormWidget
    search_widget = widgets.SearchWidget
    # Text columns a relation filter matches what one types against, per relation column
    # (default: the related model's text columns).
    related_search_columns = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.related_columns and self.include_route_methods is not None:
            self.include_route_methods = set(self.include_route_methods) | {"related"}

    def get_redirect(self):
        """FAB's previous page, but never, after a delete, a page of the row just deleted (it answers
        404): FAB's history, kept in the session cookie, may end with that row's page when a late
        response to the previous page's requests (a font, a script) sets the older cookie again."""
        url = super().get_redirect()
        if request.endpoint == f"{self.endpoint}.delete":
            pk = request.view_args.get("pk")
            if urlsplit(url).path in {f"{self.route_base}/show/{pk}", f"{self.route_base}/edit/{pk}"}:
                return url_for(f"{self.endpoint}.list")
        return url

    @property
    def related_columns(self):
        return [col for col in self.search_columns if self.datamodel.is_relation(col)]

    def _init_titles(self):
        routes = self.include_route_methods if self.include_route_methods is not None else TITLES
        missing = [TITLES[r] for r in routes if r in TITLES and not getattr(self, TITLES[r])]
        if missing:
            # FAB would make « List Detu Assignment » of the class name: English, and not a title.
            raise TypeError(f"{type(self).__name__} needs {', '.join(missing)}")
        super()._init_titles()

    def _init_forms(self):
        extra = dict(self.search_form_extra_fields or {})
        for col in self.search_columns:
            if self.datamodel.is_relation(col) and col not in extra:
                extra[col] = related_rows.RelatedFilterField(
                    self.label_columns.get(col, col),
                    interface=self.datamodel.get_related_interface(col),
                    rel_filters=(self.search_form_query_rel_fields or {}).get(col),
                    url=lambda col=col: url_for(f"{self.endpoint}.related", col_name=col),
                )
        self.search_form_extra_fields = extra
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            widgets.accessible_widgets(form)

    @expose("/related/<col_name>")
    def related(self, col_name):
        """The rows a relation filter offers for what was typed (JSON, twenty at a time)."""
        if g.user is None or not g.user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_login_with(request.full_path))
        if not self.appbuilder.sm.has_access("can_list", self.class_permission_name):
            abort(403)
        if col_name not in self.related_columns:
            abort(404)
        page = request.args.get("page", 1, type=int)
        if not 1 <= page <= 1000:
            abort(400)
        return jsonify(related_rows.search(
            self.datamodel.get_related_interface(col_name),
            (self.search_form_query_rel_fields or {}).get(col_name),
            request.args.get("q", ""),
            page,
            self.related_search_columns.get(col_name),
        ))


class ReadOnlyModelView(ProjectModelView):
    """A list and a detail page, nothing else: for data that is changed elsewhere."""

    include_route_methods = {"list", "show"}
    base_permissions = ["can_list", "can_show"]
