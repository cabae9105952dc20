from tests.access import ADMIN, SIGNED_IN, STAFF, Route

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

# Administrators manage the service accounts and their keys.
ROUTES += [
    Route("/service-accounts/", "GET", ADMIN),
    Route("/service-accounts/add", "GET", ADMIN),
    Route("/service-accounts/add", "POST", ADMIN, data={"username": "bi-matrix", "purpose": "BI", "all_faculties": "y"}),
    Route("/service-accounts/<int:pk>/edit", "GET", ADMIN, lambda f: f"/service-accounts/{f.service_account}/edit"),
    Route("/service-accounts/<int:pk>/edit", "POST", ADMIN, lambda f: f"/service-accounts/{f.service_account}/edit",
          data={"purpose": "BI", "all_faculties": "y", "active": "y"}),
    Route("/service-accounts/<int:pk>/keys", "POST", ADMIN, lambda f: f"/service-accounts/{f.service_account}/keys",
          data={"name": "matrix"}),
    Route("/service-accounts/keys/<key_uuid>/revoke", "POST", ADMIN,
          lambda f: f"/service-accounts/keys/{f.service_account_key}/revoke"),
]
