from tests.access import STAFF, STUDENTS, Route

READERS_L1MATH = ("detu", "teacher", "counsellor", "registrar", "referent", "admin")

ROUTES = [
    Route("/contracts/list/", "GET", STAFF),
    Route("/contracts/show/<int:pk>", "GET", READERS_L1MATH, lambda f: f"/contracts/show/{f.l1math_submitted}"),
    Route("/contracts/edit/<int:pk>", "GET", ("detu", "admin"), lambda f: f"/contracts/edit/{f.l1math_submitted}"),
    Route("/contracts/edit/<int:pk>", "POST", ("detu", "admin"), lambda f: f"/contracts/edit/{f.l1math_submitted}",
          data={"version": "1", "path_notes": "x"}),
    Route("/contracts/<int:pk>/sign", "POST", ("detu",), lambda f: f"/contracts/{f.l1math_submitted}/sign"),
    Route("/contracts/<int:pk>/return", "POST", ("detu",), lambda f: f"/contracts/{f.l1math_submitted}/return",
          data={"reason": "Précisez votre projet."}),
    Route("/contracts/<int:pk>/comment", "POST", ("counsellor", "admin"),
          lambda f: f"/contracts/{f.l1math_submitted}/comment", data={"comment": "Bien.", "version": "0"}),
    Route("/my/contract/", "GET", STUDENTS),
    Route("/my/contract/", "POST", STUDENTS, data={"action": "save", "study_plan": "Mon projet", "version": "0"}),
    Route("/my/contracts/", "GET", STUDENTS),
    Route("/my/contracts/<int:pk>", "GET", ("student",), lambda f: f"/my/contracts/{f.student_contract}"),
    Route("/my/contacts/", "GET", STUDENTS),
]
