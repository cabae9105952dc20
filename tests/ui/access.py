from tests.access import CONFIGURERS, Route

ROUTES = [
    # The rich-text editor's preview: what the sanitiser keeps (JSON), for those who edit such texts.
    Route("/richtext/preview", "POST", CONFIGURERS, data={"html": "<p>Charte</p>"}),
]
