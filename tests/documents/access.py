from tests.access import NOBODY, Route

READERS_L1MATH = ("detu", "teacher", "counsellor", "registrar", "referent", "admin")
L1MATH = 1  # the demo's first programme; tests/documents/test_access_facts.py checks it

ROUTES = [
    Route("/contracts/<int:pk>/pdf", "GET", READERS_L1MATH, lambda f: f"/contracts/{f.l1math_submitted}/pdf"),
    # The `student` account's own contract: its student too, and nobody else's student.
    Route("/contracts/<int:pk>/pdf", "GET", ("student",) + READERS_L1MATH, lambda f: f"/contracts/{f.student_contract}/pdf"),
    Route("/contracts/<int:pk>/pdf", "GET", ("detu2", "counsellor", "referent", "admin"), lambda f: f"/contracts/{f.let_contract}/pdf"),
    Route("/contracts/bulk/", "GET", ("detu", "referent", "admin"), f"/contracts/bulk/?programme={L1MATH}"),
    Route("/contracts/bulk.zip", "GET", ("detu", "referent", "admin"), f"/contracts/bulk.zip?programme={L1MATH}&status=submitted"),
    Route("/contracts/export.xlsx", "GET", ("detu", "detu2", "registrar", "referent", "admin"), "/contracts/export.xlsx?status=signed"),
    Route("/exports/", "GET", ("registrar", "referent", "admin")),
    Route("/exports/faculty/<code>.xlsx", "GET", ("registrar", "referent", "admin"), lambda f: f"/exports/faculty/{f.faculty_code}.xlsx"),
    Route("/exports/faculty/<code>.xlsx", "GET", ("referent", "admin"), "/exports/faculty/LET.xlsx"),
    # No nightly file in the demo, no prepared document: tests/documents/test_long_work.py covers the owners.
    Route("/exports/faculty/<code>/nightly.xlsx", "GET", NOBODY, lambda f: f"/exports/faculty/{f.faculty_code}/nightly.xlsx"),
    Route("/documents/<int:pk>", "GET", NOBODY, "/documents/999999"),
    Route("/documents/<int:pk>/file", "GET", NOBODY, "/documents/999999/file"),
]
