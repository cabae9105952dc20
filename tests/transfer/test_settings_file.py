"""The settings file: a round trip through a fresh database gives the same file; an import is checked
whole before anything is written, reports its changes, and never touches contracts."""
import json

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app


def export_text(app):
    result = app.test_cli_runner().invoke(args=["settings", "export"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def fresh(databases):
    """A new installation: migrated, the reference catalogue, the university from Apogée and the
    accounts, but none of the demo's configuration (its settings, campaigns, assignments)."""
    from flask_migrate import upgrade

    from app.catalog.models import Settings
    from app.extensions import db
    from seeds import demo
    from seeds.catalogue import academic_year, load_reference

    databases.create_empty("fresh")
    app = make_app(databases.url("fresh"))
    with app.app_context():
        upgrade()
        load_reference(institution_name="Université neuve")
        app.appbuilder.sm.ensure_roles()
        for account in demo.ACCOUNTS:
            demo._ensure_user(app.appbuilder.sm, account)
        demo._build_university_rows(demo.demo_university(academic_year()))
        assert db.session.get(Settings, 1).institution_name == "Université neuve"
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    databases.drop("fresh")


def test_export_then_import_into_a_fresh_database_then_export_gives_the_same_file(app, fresh, tmp_path):
    original = export_text(app)
    data = json.loads(original)
    assert {"settings", "campaigns", "specific_needs", "remediations", "hour_volumes", "help_texts",
            "assignments"} <= set(data)
    assert data["assignments"]["detu"] and data["assignments"]["teacher"] and data["assignments"]["registrar"]
    assert export_text(fresh) != original
    path = tmp_path / "settings.json"
    path.write_text(original, encoding="utf-8")
    result = fresh.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Changed: settings: institution_name 'Université neuve' → 'Université de démonstration'" in result.output
    assert "DETU assignment detu → L1MATH-101: added" in result.output
    assert export_text(fresh) == original
    again = fresh.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert "Nothing to change" in again.output


def test_a_dry_run_reports_the_changes_and_writes_nothing(app, tmp_path):
    data = json.loads(export_text(app))
    data["settings"]["retention_years"] = 7
    need = next(n for n in data["specific_needs"] if n["code"] == "RSE10")
    need["label"], need["active"] = "Engagement associatif", False
    data["hour_volumes"] = [h for h in data["hour_volumes"] if h["hours"] != "72"] + [{"hours": "1.5", "label": None}]
    data["remediations"] = data["remediations"][1:]
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = export_text(app)
    result = app.test_cli_runner().invoke(args=["settings", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Would change: settings: retention_years 5 → 7" in lines
    assert "Would change: specific need RSE10: label 'Étudiant engagé dans la vie associative' → 'Engagement associatif'; active True → False" in lines
    assert "Would change: hour volume 1.5 h: added" in lines
    assert "Would change: hour volume 72 h: deleted (not in the file)" in lines
    assert "Would change: remediation « Année de licence aménagée en deux ans » (type 2): deactivated (not in the file)" in lines
    assert "Dry run: 5 change(s) would be made; nothing was changed." in lines
    assert export_text(app) == before
    result = app.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert result.exit_code == 0 and "Done: 5 change(s)." in result.output
    after = json.loads(export_text(app))
    assert after["settings"]["retention_years"] == 7
    assert [h["hours"] for h in after["hour_volumes"]][0] == "1.5"


def test_a_file_with_problems_is_refused_whole_with_every_reason(app, tmp_path):
    data = json.loads(export_text(app))
    data["settings"]["institution_name"] = "Changed, but the file is refused"
    data["settings"]["current_year"] = 1890
    data["settings"]["diploma_types"] = "L, L$P"
    data["campaigns"].append({"year": 2030, "opens_on": "2030-09-01", "closes_on": "2030-01-01"})
    data["specific_needs"].append(dict(data["specific_needs"][0], code="NEW01"))
    data["hour_volumes"].append({"hours": "-4", "label": None})
    data["assignments"]["detu"].append({"login": "ghost", "programme": "L9XXX-101"})
    data["surprise"] = []
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = export_text(app)
    result = app.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert result.exit_code == 1
    output = result.output
    for expected in (
        "unknown section(s): surprise",
        "settings.current_year: must be between 2000 and 2100",
        "settings.diploma_types: must be diploma type codes separated by commas",
        "campaigns[2]: closes_on is before opens_on",
        "specific_needs: specific need NEW01 does not exist here",
        "hour_volumes[11].hours: must be a number between 0 and 10000",
        "no account has the login 'ghost'",
        "programme 'L9XXX-101' is unknown here",
        "Nothing imported: 8 problem(s)",
    ):
        assert expected in output, expected
    assert export_text(app) == before


def test_an_import_never_touches_contracts(app, tmp_path):
    from app.contracts.models import Contract
    from app.extensions import db

    data = json.loads(export_text(app))
    data["settings"]["current_year"] -= 1
    data["specific_needs"] = [dict(n, active=False) for n in data["specific_needs"]]
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    def contracts():
        with app.app_context():
            return db.session.execute(select(func.count(Contract.id), func.max(Contract.updated_at),
                                             func.sum(Contract.version))).one()

    before = contracts()
    result = app.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert contracts() == before


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a JSON file"),
    ('{"format": "something-else"}', "not a ConPeRe settings file"),
    ('{"format": "conpere-settings", "version": 99}', "version 99 of the settings file is not supported"),
])
def test_a_file_that_is_not_a_settings_file_says_so_in_one_line(app, tmp_path, content, message):
    path = tmp_path / "settings.json"
    path.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["settings", "import", str(path)])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output
