from tests.access import SIGNED_IN, STAFF, Route

READERS_L1MATH = ("detu", "teacher", "counsellor", "registrar", "referent", "admin")

ROUTES = [
    Route("/api/v1/contracts/", "GET", STAFF),
    Route("/api/v1/contracts/<int:pk>", "GET", READERS_L1MATH, lambda f: f"/api/v1/contracts/{f.l1math_submitted}"),
    Route("/api/v1/contracts/<int:pk>/pdf", "GET", READERS_L1MATH, lambda f: f"/api/v1/contracts/{f.l1math_submitted}/pdf"),
    # Every API role reads the OpenAPI document (students have no API).
    Route("/api/<version>/_openapi", "GET", STAFF, "/api/v1/_openapi"),
    Route("/swagger/<version>", "GET", STAFF, "/swagger/v1"),
    Route("/api/v1/menu/", "GET", SIGNED_IN),
]
