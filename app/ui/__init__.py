"""What every page shares: the project's base ModelViews, widgets and the display of values."""
from app.roles import ROLE_LABELS
from app.ui.display import display


def init_app(app):
    from app.ui.richtext import RichTextPreviewView

    app.appbuilder.add_view_no_menu(RichTextPreviewView)
    app.jinja_env.filters["display"] = display
    app.jinja_env.filters["role_label"] = lambda name: ROLE_LABELS.get(name, name)
    # FAB registers its security pages first; the work comes first in the navigation bar.
    menu = app.appbuilder.menu.menu
    menu.sort(key=lambda item: item.name == "Security")
