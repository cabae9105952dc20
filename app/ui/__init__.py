"""What every page shares: the project's base ModelViews, widgets and the display of values."""
from app.ui.display import display


def init_app(app):
    from app.ui.richtext import RichTextPreviewView

    app.appbuilder.add_view_no_menu(RichTextPreviewView)
    app.jinja_env.filters["display"] = display
    # FAB registers its security pages first; the work comes first in the navigation bar.
    menu = app.appbuilder.menu.menu
    menu.sort(key=lambda item: item.name == "Security")
