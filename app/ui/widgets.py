"""Flask-AppBuilder's widgets with the project's templates: labelled controls, values shown through
``display``, no inline script (the search form's data travel in attributes)."""
from flask_appbuilder import widgets


class ListWidget(widgets.ListWidget):
    template = "conpere/widgets/list.html"


class ShowWidget(widgets.ShowWidget):
    template = "conpere/widgets/show.html"


class FormWidget(widgets.FormWidget):
    template = "conpere/widgets/form.html"


class SearchWidget(widgets.SearchWidget):
    template = "conpere/widgets/search.html"
