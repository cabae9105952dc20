"""Flask-AppBuilder's own pages (login, language, user administration) and the security package's."""
from tests.access import ADMIN, CONFIGURERS, NOBODY, SIGNED_IN, USERS, Route, model_view

CRUD = {"list", "show", "add", "edit", "delete"}

ROUTES = [
    Route("/", "GET", SIGNED_IN),
    Route("/login/", "GET", USERS),
    Route("/login/", "POST", USERS, data={"username": "admin", "password": "demo"}),
    # POST only (with the CSRF token when CSRF is on): nobody is signed out by a link or an image.
    Route("/logout/", "POST", USERS),
    Route("/lang/<string:locale>", "GET", USERS, "/lang/en"),
    Route("/back", "GET", USERS),
    Route("/api/v1/security/login", "POST", USERS),
    Route("/api/v1/security/refresh", "POST", NOBODY),
    # JWT only: ends the token's API session (browser sessions log out with /logout/).
    Route("/api/v1/security/logout", "POST", NOBODY),
    Route("/users/userinfo/", "GET", SIGNED_IN),
    Route("/userinfoeditview/form", "GET", ADMIN),
    Route("/userinfoeditview/form", "POST", ADMIN),
    Route("/resetmypassword/form", "GET", SIGNED_IN),
    Route("/resetmypassword/form", "POST", SIGNED_IN),
    Route("/resetpassword/form", "GET", ADMIN, lambda f: f"/resetpassword/form?pk={f.user_id}"),
    Route("/resetpassword/form", "POST", ADMIN, lambda f: f"/resetpassword/form?pk={f.user_id}"),
    # « Se connecter en tant que »: IMPERSONATION_ROLES (Admin and FunctionalReferent by default).
    Route("/impersonation/", "GET", CONFIGURERS, "/impersonation/?last_name=Martin"),
    Route("/impersonation/start", "POST", CONFIGURERS, data=lambda f: {"user_id": f.user_id}),
    # Going back to one's own account: anyone signed in (a no-op when not acting as someone).
    Route("/impersonation/stop", "POST", SIGNED_IN),
    Route("/impersonation/sessions/", "GET", ADMIN),
    Route("/impersonation/sessions/<int:pk>", "GET", ADMIN, "/impersonation/sessions/1"),  # the demo's session
]
ROUTES += model_view("/users", ADMIN, CRUD, pk=lambda f: f.user_id, related="roles")
ROUTES += model_view("/roles", ADMIN, {"list", "show"}, pk=lambda f: 1)
ROUTES += model_view("/groups", ADMIN, {"list"})
