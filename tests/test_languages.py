"""French pages without English, English pages without French: every page of the access matrix, for
each role allowed to open it, in both languages (tests/language.py says what counts as a word of the
other language). A page added to a ``tests/<package>/access.py`` is checked without more ado."""
import pytest

from tests.access import one_user_per_role
from tests.language import EXEMPT, checker_for
from tests.test_access_matrix import TABLE, facts  # noqa: F401 (the fixture of the demo's row ids)

PAGES = [(route, user) for route in TABLE if route.method == "GET" and route.rule not in EXEMPT
         for user in one_user_per_role(route.allowed)]


@pytest.fixture(scope="module")
def checker(app):
    return checker_for(app)


@pytest.mark.parametrize("route, user", PAGES, ids=[f"{r.rule} {u}" for r, u in PAGES])
def test_page_speaks_one_language(app, login, facts, checker, route, user):
    client = app.test_client() if user == "anonymous" else login(user)
    path = route.path(facts)
    failures = []
    for language in ("fr", "en"):
        if language == "en":
            client.get("/lang/en")
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            for word, text in checker.problems(response.get_data(as_text=True), language):
                failures.append(f"[{language}] « {word} » in « {text} »")
        response.close()
    assert not failures, f"{path} as {user}: " + "; ".join(failures)
