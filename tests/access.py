"""The vocabulary of the access matrix (tests/test_access_matrix.py).

Each package's routes are declared in ``tests/<package>/access.py`` as ``ROUTES = [Route(...)]``.
A route names the users allowed to use it; every other demo user (and anonymous) must be denied:
HTTP 401, 403 or 404, or a redirect to the login page.
"""
from dataclasses import dataclass, field

USERS = ("anonymous", "student", "student2", "detu", "detu2", "teacher", "counsellor", "registrar", "referent", "admin",
         "dpo")
SIGNED_IN = USERS[1:]
STUDENTS = ("student", "student2")
STAFF = ("detu", "detu2", "teacher", "counsellor", "registrar", "referent", "admin")
CONFIGURERS = ("referent", "admin")
ADMIN = ("admin",)
AUDITORS = ("admin", "dpo")  # the read log: administrators and the data protection officer
NOBODY = ()
# Users who see the same pages as another (visiting them once per role is enough).
SAME_ROLE_AS = {"student2": "student", "detu2": "detu"}


def one_user_per_role(allowed):
    """The first allowed user of each role (anonymous counts as one)."""
    seen, users = set(), []
    for user in USERS:
        role = SAME_ROLE_AS.get(user, user)
        if user in allowed and role not in seen:
            seen.add(role)
            users.append(user)
    return users


@dataclass
class Route:
    """One URL rule and method, who may use it, and how to build a concrete request.

    ``url`` receives the ``Facts`` of the demo (ids of known rows) and returns the path to request;
    ``data`` is the form posted (a callable of the facts, or a dict).
    """

    rule: str
    method: str
    allowed: tuple
    url: object = None
    data: object = field(default_factory=dict)

    def path(self, facts):
        return self.url(facts) if callable(self.url) else (self.url or self.rule)

    def form(self, facts):
        return self.data(facts) if callable(self.data) else self.data


def model_view(prefix, allowed, routes, pk=lambda f: 1, action=None, related=None):
    """The routes of a Flask-AppBuilder ModelView registered under ``prefix`` (e.g. "/settingsview").

    ``routes`` is the view's ``include_route_methods``; ``pk`` builds the id of an existing row;
    ``related`` names a relation filter column when the list has one (``/related/<col_name>``, JSON).
    """
    table = []
    if related:
        table.append(Route(f"{prefix}/related/<col_name>", "GET", allowed, f"{prefix}/related/{related}?q=a"))
    if "list" in routes:
        table.append(Route(f"{prefix}/list/", "GET", allowed))
    if "show" in routes:
        table.append(Route(f"{prefix}/show/<pk>", "GET", allowed, lambda f: f"{prefix}/show/{pk(f)}"))
    if "add" in routes:
        table += [Route(f"{prefix}/add", m, allowed) for m in ("GET", "POST")]
    if "edit" in routes:
        table += [Route(f"{prefix}/edit/<pk>", m, allowed, lambda f: f"{prefix}/edit/{pk(f)}") for m in ("GET", "POST")]
    if "delete" in routes:
        table += [Route(f"{prefix}/delete/<pk>", m, allowed, lambda f: f"{prefix}/delete/{pk(f)}") for m in ("GET", "POST")]
    if "action_post" in routes:
        table.append(Route(f"{prefix}/action_post", "POST", allowed,
                           data=lambda f: {"action": action, "rowid": [str(pk(f))]}))
    return table
