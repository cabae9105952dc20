"""Commands run against a database that was never migrated say so in one line, exit non-zero."""
import pytest

from tests.conftest import make_app


@pytest.mark.parametrize("args", [["seed"], ["jobs"], ["outbox", "list"], ["outbox", "send"]])
def test_an_unmigrated_database_is_one_line(tmp_path, args):
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: The database is not up to date: run 'flask --app run db upgrade' first."]
