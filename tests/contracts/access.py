from tests.access import STAFF, STUDENTS, Route

READERS_L1MATH = ("detu", "teacher", "counsellor", "registrar", "referent", "admin")
# The `student` account's student: L1MATH (detu), followed by `teacher`, registered in L1LETM for a
# reorientation (detu2); test_access_facts checks the id.
STUDENT_ACCOUNT = 1
SIGNERS = ("detu", "detu2", "admin")  # the permission; which rows: each contract is re-checked


def action(name):
    return lambda f: {"action": name, "rowid": [str(f.l1math_submitted)]}


ROUTES = [
    Route("/contracts/list/", "GET", STAFF),
    Route("/contracts/show/<int:pk>", "GET", READERS_L1MATH, lambda f: f"/contracts/show/{f.l1math_submitted}"),
    Route("/contracts/edit/<int:pk>", "GET", ("detu", "admin"), lambda f: f"/contracts/edit/{f.l1math_submitted}"),
    Route("/contracts/edit/<int:pk>", "POST", ("detu", "admin"), lambda f: f"/contracts/edit/{f.l1math_submitted}",
          data={"version": "1", "path_notes": "x"}),
    # GET: the confirmation page (no change); POST: the signature itself.
    Route("/contracts/<int:pk>/sign", "GET", ("detu",), lambda f: f"/contracts/{f.l1math_submitted}/sign"),
    Route("/contracts/<int:pk>/sign", "POST", ("detu",), lambda f: f"/contracts/{f.l1math_submitted}/sign"),
    Route("/contracts/<int:pk>/return", "POST", ("detu",), lambda f: f"/contracts/{f.l1math_submitted}/return",
          data={"reason": "Précisez votre projet."}),
    Route("/contracts/<int:pk>/comment", "POST", ("counsellor", "admin"),
          lambda f: f"/contracts/{f.l1math_submitted}/comment", data={"comment": "Bien.", "version": "0"}),
    Route("/contracts/next-to-sign/", "GET", SIGNERS),
    # FAB actions: the permission decides who reaches them; each row is then re-read through the policy.
    Route("/contracts/action_post", "POST", SIGNERS, data=action("sign_selected")),
    Route("/contracts/action_post", "POST", ("detu", "detu2", "referent", "admin"), data=action("pdfs_selected")),
    Route("/contracts/action_post", "POST", ("detu", "detu2", "registrar", "referent", "admin"),
          data=action("export_selected")),
    Route("/contracts/action_post", "POST", (), data=action("delete")),
    Route("/students/<int:pk>", "GET", READERS_L1MATH + ("detu2",), f"/students/{STUDENT_ACCOUNT}"),
    Route("/my/contract/", "GET", STUDENTS),
    Route("/my/contract/", "POST", STUDENTS, data={"action": "save", "study_plan": "Mon projet", "version": "0"}),
    Route("/my/contracts/", "GET", STUDENTS),
    Route("/my/contracts/<int:pk>", "GET", ("student",), lambda f: f"/my/contracts/{f.student_contract}"),
    Route("/my/contacts/", "GET", STUDENTS),
]
