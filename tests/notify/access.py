from tests.access import ADMIN, model_view

ROUTES = model_view("/outboxview", ADMIN, {"list", "show", "action_post"}, pk=lambda f: 1, action="retry")
