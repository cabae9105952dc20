from tests.access import CONFIGURERS, Route

ROUTES = [
    Route("/syncrunview/list/", "GET", CONFIGURERS),
    # A request for the scheduler: nothing runs in the web process.
    Route("/syncrunview/start", "POST", CONFIGURERS, data={"year": "", "programme": ""}),
    Route("/syncerrorview/list/", "GET", CONFIGURERS),
    Route("/syncerrorview/related/<col_name>", "GET", CONFIGURERS, "/syncerrorview/related/run"),
]
