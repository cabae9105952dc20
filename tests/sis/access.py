from tests.access import CONFIGURERS, Route

ROUTES = [
    Route("/syncrunview/list/", "GET", CONFIGURERS),
    # Apogée is not configured in the access tests: the run starts, fails at once, and says why.
    Route("/syncrunview/start", "POST", CONFIGURERS, data={"year": "", "programme": ""}),
    Route("/syncerrorview/list/", "GET", CONFIGURERS),
    Route("/syncerrorview/related/<col_name>", "GET", CONFIGURERS, "/syncerrorview/related/run"),
]
