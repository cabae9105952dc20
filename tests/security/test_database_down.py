"""Issue 11: when the database cannot be reached, a 503 page says so (JSON under /api/), and after
a real PostgreSQL restart no request answers 500 (``pool_pre_ping``)."""
import pytest

from tests.conftest import make_app
from tests.security import pgserver

UNREACHABLE = "postgresql://conpere@127.0.0.1:9/nowhere"  # nothing listens on the discard port


@pytest.fixture(scope="module")
def down_app():
    return make_app(UNREACHABLE, PROPAGATE_EXCEPTIONS=False, BABEL_DEFAULT_LOCALE="en")


@pytest.mark.parametrize("path", ["/login/", "/contracts/dashboard/", "/my/contract/"])
def test_pages_say_the_database_is_unreachable(down_app, path):
    response = down_app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "cannot reach its database" in page and "was not saved" in page
    assert response.headers["Retry-After"] == "30"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_login_attempt_says_so_too(down_app):
    response = down_app.test_client().post("/login/", data={"username": "detu", "password": "demo"})
    assert response.status_code == 503


def test_the_api_answers_json(down_app):
    response = down_app.test_client().get("/api/v1/contracts/")
    assert response.status_code == 503 and response.is_json
    assert "cannot reach its database" in response.json["message"]


def test_the_page_is_french_by_default():
    app = make_app(UNREACHABLE, PROPAGATE_EXCEPTIONS=False)
    page = app.test_client().get("/login/").get_data(as_text=True)
    assert 'lang="fr"' in page and "base de données" in page


@pytest.fixture(scope="module")
def own_postgres():
    with pgserver.own_or_skip() as server:
        yield server


def test_no_500_after_a_real_postgresql_restart(own_postgres):
    from tests.conftest import migrate_and_seed

    migrate_and_seed(make_app(own_postgres.url))
    app = make_app(own_postgres.url, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    assert client.post("/login/", data={"username": "detu", "password": "demo"}).status_code == 302
    assert client.get("/contracts/dashboard/").status_code == 200  # the pool holds live connections
    own_postgres.restart()  # every pooled connection is now dead
    for _ in range(3):
        assert client.get("/contracts/dashboard/").status_code == 200
    own_postgres.stop()
    assert client.get("/contracts/dashboard/").status_code == 503  # during the outage: the page that says so
    own_postgres.start()
    assert client.get("/contracts/dashboard/").status_code == 200
