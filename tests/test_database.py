"""app.database on a PostgreSQL cluster of the test's own: a transaction that only read ends with
COMMIT, so psycopg keeps the statements it prepared; anything written and not committed is still
discarded when the session closes, as a ROLLBACK would."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from app.catalog.models import Settings
from app.extensions import db
from tests.conftest import make_app, migrate_and_seed
from tests.security import pgserver


@pytest.fixture(scope="module")
def server():
    with pgserver.own_or_skip() as own:
        migrate_and_seed(make_app(own.url))
        yield own


@pytest.fixture
def pg_app(server):
    return make_app(server.url)


def institution_name(server):
    """Read on a connection of its own: what another process would see."""
    engine = create_engine(server.url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT institution_name FROM settings WHERE id = 1"))
    finally:
        engine.dispose()


def test_pages_read_again_run_prepared_statements(pg_app):
    client = pg_app.test_client()
    assert client.post("/login/", data={"username": "detu", "password": "demo"}).status_code == 302
    for _ in range(7):  # psycopg prepares a statement at its fifth run on a connection
        assert client.get("/contracts/list/").status_code == 200
    with pg_app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("FROM user_session" in statement for statement in prepared), prepared
    assert any("FROM contract" in statement for statement in prepared), prepared


@pytest.mark.parametrize("write", [
    "ORM",
    "UPDATE settings SET institution_name = 'Not committed' WHERE id = 1",
    "WITH changed AS (UPDATE settings SET institution_name = 'Not committed' WHERE id = 1 RETURNING id) "
    "SELECT id FROM changed",
])
def test_what_was_written_and_not_committed_is_discarded(pg_app, server, write):
    before = institution_name(server)
    with pg_app.app_context():
        db.session.scalar(text("SELECT 1"))  # a read first: the transaction then writes
        if write == "ORM":
            db.session.get(Settings, 1).institution_name = "Not committed"
            db.session.flush()
        else:
            db.session.execute(text(write))
        db.session.remove()  # what the end of a request does
    assert institution_name(server) == before != "Not committed"


def test_a_failed_statement_leaves_the_connection_usable(pg_app):
    with pg_app.app_context():
        with pytest.raises(ProgrammingError):
            db.session.execute(text("SELECT * FROM no_such_table"))
        db.session.remove()
    client = pg_app.test_client()
    assert client.post("/login/", data={"username": "detu", "password": "demo"}).status_code == 302
    assert client.get("/contracts/list/").status_code == 200


def test_a_committed_write_stays(pg_app, server):
    with pg_app.app_context():
        settings = db.session.get(Settings, 1)
        before, settings.institution_name = settings.institution_name, "Université de test"
        db.session.commit()
    assert institution_name(server) == "Université de test"
    with pg_app.app_context():
        db.session.get(Settings, 1).institution_name = before
        db.session.commit()
    assert institution_name(server) == before
