"""The commands: one clear line, a non-zero exit on failure, never a traceback."""
import pytest

from app.catalog.models import Settings
from app.extensions import db
from tests.sis.conftest import YEAR


def invoke(app, *args):
    result = app.test_cli_runner(mix_stderr=False).invoke(args=list(args)) if _mix_supported() else \
        app.test_cli_runner().invoke(args=list(args))
    return result


def _mix_supported():
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def error_lines(result):
    text = (getattr(result, "stderr", "") or "") if _mix_supported() else result.output
    return [line for line in text.splitlines() if line.startswith("Error")]


def test_sync_prints_a_summary(app, demo_sim, point_app_at):
    point_app_at(demo_sim)
    result = invoke(app, "sync")
    assert result.exit_code == 0, result.output
    assert "ok: No change: 60 students checked" in result.output
    result = invoke(app, "sync", "--programme", "L2LETM", "--dry-run", "--year", str(YEAR))
    assert result.exit_code == 0 and "Dry run, nothing saved. No change: 10 students" in result.output


@pytest.mark.parametrize("config,expected", [
    ({"APOGEE_BASE_URL": "http://127.0.0.1:9/services/"}, "Apogée cannot be reached"),
    ({"APOGEE_USER": "ws", "APOGEE_PASSWORD": "wrong"}, "Apogée refused the credentials (HTTP 401)"),
    ({"APOGEE_BASE_URL": ""}, "Apogée is not configured: set APOGEE_BASE_URL"),
])
def test_bad_configuration_is_one_error_line(app, demo_sim, point_app_at, config, expected):
    demo_sim.user, demo_sim.password = "ws", "right"
    point_app_at(demo_sim, **config)
    result = invoke(app, "sync")
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 1 and "failed" in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_empty_diploma_types_is_one_error_line(app, demo_sim, point_app_at):
    point_app_at(demo_sim)
    with app.app_context():
        db.session.get(Settings, 1).diploma_types = " "
        db.session.commit()
        db.session.remove()
    result = invoke(app, "sync")
    assert result.exit_code == 1
    assert error_lines(result) == [
        error_lines(result)[0]] and "No diploma type is set in the settings" in error_lines(result)[0]


def test_a_partial_run_exits_non_zero_naming_the_first_error(app, demo_sim, point_app_at):
    point_app_at(demo_sim)
    demo_sim.behaviour.student_faults[f"2{YEAR % 100:02d}00009"] = "technical.data.transaction.connexion"
    result = invoke(app, "sync")
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert "partial" in line and "1 failed" in line and "technical.data.transaction.connexion" in line


def test_unknown_programme_and_bad_year(app, demo_sim, point_app_at):
    point_app_at(demo_sim)
    (line,) = error_lines(invoke(app, "sync", "--programme", "ZZZ"))
    assert "Programme ZZZ is not in Apogée's offer" in line
    result = invoke(app, "sync", "--year", "26")
    assert result.exit_code == 1 and "is not an academic year" in error_lines(result)[0]


def test_the_nightly_job_is_registered():
    from app.jobs.registry import registered_jobs
    from app.sis import run_scheduled_sync

    job = next(j for j in registered_jobs() if j.id == "apogee-sync")
    assert job.cron_setting == "SYNC_CRON" and job.func is run_scheduled_sync


def test_the_nightly_job_runs_a_sync(app, demo_sim, point_app_at):
    from app.sis import run_scheduled_sync

    point_app_at(demo_sim)
    run = run_scheduled_sync(app)
    assert (run.trigger, run.status, run.total) == ("schedule", "ok", 60)
