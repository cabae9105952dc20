from tests.access import ADMIN, SIGNED_IN, STAFF, Route

READERS_L1MATH = ("detu", "teacher", "counsellor", "registrar", "referent", "admin")

ROUTES = [
    Route("/api/v1/contracts/", "GET", STAFF),
    Route("/api/v1/contracts/_info", "GET", STAFF),
    Route("/api/v1/contracts/<int:pk>", "GET", READERS_L1MATH, lambda f: f"/api/v1/contracts/{f.l1math_submitted}"),
    Route("/api/<version>/_openapi", "GET", ADMIN, "/api/v1/_openapi"),
    Route("/swagger/<version>", "GET", ADMIN, "/swagger/v1"),
    Route("/api/v1/menu/", "GET", SIGNED_IN),
]
