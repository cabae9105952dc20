"""Finding 1: production refuses to start with a configuration anyone could abuse."""
import os
import subprocess
import sys

import pytest

from config import DEV_SECRET_KEY, ProductionConfig, UnsafeConfiguration, check_production, unsafe_production_settings

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAFE = {
    "PRODUCTION": True,
    "SECRET_KEY": "s" * 40,
    "SQLALCHEMY_DATABASE_URI": "postgresql://conpere@db/conpere",
    "PUBLIC_URL": "https://conpere.univ.test",
}


def test_a_safe_production_configuration_passes():
    assert unsafe_production_settings(SAFE) == []
    check_production(SAFE)


@pytest.mark.parametrize("change, named", [
    ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY is the published development value"),
    ({"SECRET_KEY": "short-secret"}, "SECRET_KEY is shorter than 32 characters"),
    ({"JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY is shorter than 32 characters"),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/conpere.db"}, "DATABASE_URL is SQLite"),
    ({"PUBLIC_URL": None}, "PUBLIC_URL is not set"),
    ({"PUBLIC_URL": "http://conpere.univ.test"}, "PUBLIC_URL is not an https:// address"),
    ({"DEBUG": True}, "FLASK_DEBUG is on"),
])
def test_each_unsafe_setting_is_named(change, named):
    with pytest.raises(UnsafeConfiguration) as refused:
        check_production({**SAFE, **change})
    message = str(refused.value.code)
    assert named in message and "\n" not in message


def test_outside_production_nothing_is_refused():
    check_production({**SAFE, "PRODUCTION": False, "SECRET_KEY": DEV_SECRET_KEY})


def test_the_production_class_has_no_secret_and_no_public_url_by_default(monkeypatch):
    # Evaluated at import: without the variables, the class leaves both empty (nothing published).
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "JWT_SECRET_KEY")}
    code = "import config; print(config.ProductionConfig.SECRET_KEY, config.ProductionConfig.PUBLIC_URL)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["None", "None"]
    assert ProductionConfig.PRODUCTION is True


def _flask(env, *args):
    env = {**{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "DATABASE_URL")}, **env}
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    return subprocess.run([flask, "--app", "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_command_line_exits_naming_the_missing_secret_key():
    result = _flask({"CONPERE_CONFIG": "production", "PUBLIC_URL": "https://conpere.univ.test",
                     "DATABASE_URL": "postgresql://conpere@127.0.0.1:1/none"}, "routes")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_published_default_is_refused_even_with_everything_else_set():
    result = _flask({"CONPERE_CONFIG": "production", "SECRET_KEY": DEV_SECRET_KEY, "PUBLIC_URL": "https://x.test",
                     "DATABASE_URL": "postgresql://conpere@127.0.0.1:1/none"}, "routes")
    assert result.returncode != 0 and "published development value" in result.stderr
