from tests.access import CONFIGURERS, Route

ROUTES = [
    Route("/transfer/contracts/", "GET", CONFIGURERS),
    # An empty form: allowed users get the form back with its error (422), others are refused.
    Route("/transfer/contracts/", "POST", CONFIGURERS),
    Route("/transfer/contracts/template.xlsx", "GET", CONFIGURERS),
]
