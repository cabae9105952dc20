"""What every template can use: labels, the locale, formatting filters and the acting user."""
from decimal import Decimal

from flask import g, has_request_context, render_template, request, url_for
from flask_babel import format_date, get_locale
from markupsafe import Markup

from app import policy
from app.contracts import labels
from app.ui.display import datetime_text


def hours(value):
    """12.0 → « 12 h », 1.5 → « 1,5 h » in French."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    if str(get_locale()) == "fr":
        text = text.replace(".", ",")
    return f"{text}\u00a0h"


class Fragments:
    """Parts of the layout rendered once per process and reused: the menu is the same for everyone
    with the same roles, language and menu conditions; the dialogs and asset addresses are the same
    for everyone. They cost about a tenth of a list page's CPU when rendered at each request.

    Nothing here holds a user's data or a per-request token (the CSRF token, the CSP nonce and the
    user's name stay in the page). Off when templates reload (development): an edit shows at once."""

    MAX_ENTRIES = 1000  # role sets × languages × conditions: past it, start again

    def __init__(self, app):
        self.app = app
        self._entries = {}

    def get(self, key, compute):
        if self.app.jinja_env.auto_reload or not has_request_context():
            return compute()
        key = (key, request.script_root)  # addresses differ under another mount point
        value = self._entries.get(key)
        if value is None:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            value = self._entries[key] = compute()
        return value

    def template(self, name, key=()):
        """``name`` rendered, kept per language and ``key``."""
        return self.get((name, str(get_locale() or "fr"), key), lambda: self._render(name))

    def _render(self, name):
        return Markup(render_template(name, appbuilder=self.app.appbuilder))

    def menu(self):
        """The navigation menu: per role set (every permission answer depends on it alone, see
        SecurityManager.builtin_access_key) and per result of the items' conditions."""
        names = self.app.appbuilder.sm.builtin_access_key(g.user)
        if names is None:  # a role defined at run time: its permissions may change, render it each time
            return self._render("conpere/_menu.html")
        return self.template("conpere/_menu.html", (names, _menu_conditions(self.app.appbuilder.menu.get_list())))

    def static_urls(self, endpoint, prefix, names):
        return self.get(("static", endpoint, prefix, names),
                        lambda: [url_for(endpoint, filename=prefix + name) for name in names])


def _menu_conditions(items):
    """Each conditional item's answer for this request (whether the user is a student…), in order."""
    answers = []
    for item in items:
        if item.cond is not None:
            answers.append(item.should_render())
        answers.extend(_menu_conditions(item.childs or []))
    return tuple(answers)


def init_app(app):
    from app.security import current_impersonator

    @app.context_processor
    def conpere_context():
        user = getattr(g, "user", None)
        return {
            "locale": str(get_locale() or "fr"),
            "labels": labels,
            "year_label": labels.year_label,
            "policy": policy,
            "impersonator": current_impersonator() if user is not None and user.is_authenticated else None,
        }

    def is_menu_visible(item):
        # FAB's own filter ignores a menu item's condition (``cond``); its menu API honours it.
        return item.should_render() and app.appbuilder.sm.has_access("menu_access", item.name)

    app.jinja_env.filters["is_menu_visible"] = is_menu_visible
    app.jinja_env.globals["fragments"] = Fragments(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["hours"] = hours
    app.jinja_env.filters["date"] = lambda d: format_date(d, "long") if d else ""
    app.jinja_env.filters["datetime"] = datetime_text
