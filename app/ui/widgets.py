"""Flask-AppBuilder's widgets with the project's templates: labelled controls, values shown through
``display``, no inline script (the search form's data travel in attributes)."""
from flask_appbuilder import widgets
from flask_appbuilder.fieldwidgets import DatePickerWidget, Select2ManyWidget
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, DateInput
from wtforms.widgets import ListWidget as ChoicesListWidget

from app.ui.display import display


class ListWidget(widgets.ListWidget):
    template = "conpere/widgets/list.html"


class ShowWidget(widgets.ShowWidget):
    template = "conpere/widgets/show.html"


class FormWidget(widgets.FormWidget):
    template = "conpere/widgets/form.html"


class SearchWidget(widgets.SearchWidget):
    template = "conpere/widgets/search.html"


class CheckboxListWidget(ChoicesListWidget):
    """One labelled checkbox per choice, in a fieldset (conpere/widgets/form.html)."""

    field_flags = {"checkbox_list": True}

    def __init__(self):
        super().__init__(prefix_label=False)


def accessible_widgets(form_class):
    """Controls everyone can use, in place of two of FAB's.

    Select2's multiple select fails axe (an unlabelled input inside a list): labelled checkboxes
    (many-to-many fields of the project's forms offer few rows: roles, groups). The date picker
    writes yyyy-mm-dd and repeats one id: the browser's own date field, shown in the reader's format.
    """
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        widget = unbound.kwargs.get("widget")
        if isinstance(widget, Select2ManyWidget):
            unbound.kwargs.update(widget=CheckboxListWidget(), option_widget=CheckboxInput(),
                                  get_label=lambda row: str(display(row)))
        elif isinstance(widget, DatePickerWidget):
            unbound.kwargs.update(widget=DateInput(), render_kw={"class": "form-control"})
