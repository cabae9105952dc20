"""One academic-year rule (app/academic_year.py): its bounds, 2000 and 2100, hold at every entry point,
and each says what is wrong its own way (a form keeps the input, a command one line, the API a 400).
The settings file's import is checked in tests/transfer/test_settings_file.py."""
import re

import pytest
from sqlalchemy import func, select

from app import academic_year
from app.catalog.models import Campaign, Settings
from app.extensions import db
from tests.catalog.test_config_views import SETTINGS_FORM

TOO_EARLY, TOO_LATE = academic_year.FIRST - 1, academic_year.LAST + 1
BOUNDS_SAID = "de 2000 à 2100"  # the pages speak French by default


@pytest.mark.parametrize("raw, year", [(2000, 2000), ("2100", 2100), (" 2026 ", 2026)])
def test_the_bounds_and_what_lies_between_are_academic_years(raw, year):
    assert academic_year.parse(raw) == year


@pytest.mark.parametrize("raw", [TOO_EARLY, TOO_LATE, "1999", "20x6", "", None, "-2026", "²⁰²⁶", True])
def test_anything_else_is_refused_with_the_bounds(raw):
    with pytest.raises(ValueError, match="from 2000 to 2100"):
        academic_year.parse(raw)


def test_the_settings_form_keeps_a_year_out_of_bounds_and_says_the_bounds(app, login):
    client = login("referent")
    for year in (TOO_EARLY, TOO_LATE):
        response = client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, current_year=str(year)))
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and f'value="{year}"' in page and BOUNDS_SAID in page
    assert client.post("/settingsview/edit/1", data=dict(SETTINGS_FORM, current_year="2100")).status_code == 302
    with app.app_context():
        assert db.session.get(Settings, 1).current_year == 2100


def test_the_campaign_form_too(app, login):
    client = login("referent")
    response = client.post("/campaignview/add", data={"year": str(TOO_LATE), "opens_on": "2101-09-01",
                                                      "closes_on": "2101-10-01"})
    assert response.status_code == 200 and BOUNDS_SAID in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalar(select(func.count(Campaign.id)).where(Campaign.year == TOO_LATE))


def _one_error_line(result):
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    return line


def test_the_commands_refuse_it_in_one_line(app, tmp_path):
    runner = app.test_cli_runner()
    line = _one_error_line(runner.invoke(args=["sync", "--year", str(TOO_EARLY)]))
    assert line.startswith("Error: --year 1999 is not an academic year") and "from 2000 to 2100" in line
    out = str(tmp_path / "sci.xlsx")
    line = _one_error_line(runner.invoke(args=["export", "--faculty", "SCI", "--out", out, "--year", str(TOO_LATE)]))
    assert line.startswith("Error: --year must be 'all' or an academic year") and "from 2000 to 2100" in line
    result = runner.invoke(args=["export", "--faculty", "SCI", "--out", out, "--year", "2100"])
    assert result.exit_code == 0 and "(2100-2101)" in result.output


def test_the_api_answers_400_with_the_reason(client, bearer):
    headers = bearer("registrar")

    def year_filter(year):
        return client.get("/api/v1/contracts/", headers=headers,
                          query_string={"q": f"(filters:!((col:year,opr:eq,value:{year})))"})

    refused = year_filter(TOO_EARLY)
    assert refused.status_code == 400 and "minimum of 2000" in refused.json["message"]
    assert year_filter(TOO_LATE).status_code == 400
    assert year_filter(2100).status_code == 200


def test_the_sync_form_keeps_it_and_says_the_bounds(app, login):
    client = login("referent")
    response = client.post("/syncrunview/start", data={"year": str(TOO_LATE)})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'value="{TOO_LATE}"' in page and BOUNDS_SAID in page


def test_filters_of_reports_lists_and_extractions_ignore_it_or_refuse_it(app, login):
    client = login("registrar")
    report = client.get(f"/reports/pending/?year={TOO_LATE}").get_data(as_text=True)
    assert re.search(r"ignorés\W+year\.", report)
    assert "ignorés" not in client.get("/reports/pending/?year=2100").get_data(as_text=True)
    assert re.search(r"ignorés\W+year\b", client.get(f"/contracts/list/?year={TOO_EARLY}").get_data(as_text=True))
    assert client.get(f"/exports/faculty/SCI.xlsx?year={TOO_LATE}").status_code == 400
