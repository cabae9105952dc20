from tests.access import ADMIN, NOBODY, Route, model_view

ROUTES = model_view("/outboxview", ADMIN, {"list", "show", "action_post"}, pk=lambda f: 1, action="retry")

# In-app notifications: a user's own only (another's or an unknown one is « not found »).
NOTIFIED = ("student", "student2", "detu", "detu2", "admin")
ROUTES += [
    Route("/notifications/", "GET", NOTIFIED),
    Route("/notifications/read-all", "POST", NOTIFIED),
    # One of `detu`'s notifications: its owner only; every other user, detu2 and admin included, gets 404.
    Route("/notifications/<int:pk>/open", "GET", ("detu",), lambda f: f"/notifications/{f.detu_notification}/open"),
    Route("/notifications/<int:pk>/toggle", "POST", ("detu",),
          lambda f: f"/notifications/{f.detu_notification}/toggle"),
    Route("/notifications/<int:pk>/open", "GET", NOBODY, "/notifications/999999/open"),
    Route("/notifications/<int:pk>/toggle", "POST", NOBODY, "/notifications/999999/toggle"),
]
