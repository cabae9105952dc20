from tests.access import AUDITORS, STUDENTS, Route

ROUTES = [
    Route("/privacy/reads/", "GET", AUDITORS),
    Route("/privacy/reads/export.csv", "GET", AUDITORS),
    Route("/my/data/", "GET", STUDENTS),
    Route("/my/data/data.json", "GET", STUDENTS),
    Route("/my/data/data.pdf", "GET", STUDENTS),
    Route("/my/data/notice", "POST", STUDENTS),
]
