import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _boot(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _boot({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_starts_with_a_dev_key_in_debug():
    result = _boot({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgres_with_pool_and_health_checks():
    from portal.settings import database_from_url

    db = database_from_url("postgres://user:p%40ss@db.internal:6543/consult")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "user",
        "p@ss",
        "db.internal",
        "6543",
        "consult",
    )
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["CONN_MAX_AGE"] == 0
    assert "pool" in db["OPTIONS"]


def test_database_url_selects_sqlite_file():
    from portal.settings import database_from_url

    db = database_from_url("sqlite:////srv/data/consultready.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert str(db["NAME"]) == "/srv/data/consultready.sqlite3"
