from tests.access import STAFF, Route

REPORTERS = ("detu", "detu2", "registrar", "referent", "admin")
NAMES = ("progress", "pending", "needs", "support", "profiles", "trends")

ROUTES = [
    Route("/contracts/dashboard/", "GET", STAFF),
    Route("/reports/", "GET", REPORTERS),
    Route("/reports/pending/remind", "POST", REPORTERS, data={"scope": "all"}),
    # Reaching the action is the reporters'; remind_detus refuses DETUs itself (see test_pages).
    Route("/reports/pending/remind-detus", "POST", REPORTERS),
]
for _name in NAMES:
    ROUTES.append(Route("/reports/<name>/", "GET", REPORTERS, f"/reports/{_name}/"))
    ROUTES.append(Route("/reports/<name>/export.xlsx", "GET", REPORTERS, f"/reports/{_name}/export.xlsx"))
