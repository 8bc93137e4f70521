import json
import os
import subprocess
import sys

from tests.services import REPO_ROOT

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, "
    "'hosts': s.ALLOWED_HOSTS, 'secret': s.SECRET_KEY, 'broker': s.CELERY_BROKER_URL}))"
)


def run_settings(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **overrides}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_missing_secret_key_in_production_mode_fails_loudly():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_secret_key_on_sqlite_with_eager_celery():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["tz"] == "Europe/London"
    assert values["use_tz"] is True
    assert "127.0.0.1" in values["hosts"]


def test_environment_configures_database_broker_hosts_and_secret_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    result = run_settings(
        SECRET_KEY_FILE=str(secret_file),
        DATABASE_URL="postgres://foi@db.internal:5432/foi",
        REDIS_URL="redis://cache.internal:6379/2",
        ALLOWED_HOSTS="foi.example.org, admin.example.org",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["hosts"] == ["foi.example.org", "admin.example.org"]
    assert values["secret"] == "from-a-file"


def test_production_mode_has_no_default_allowed_hosts():
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hosts"] == []
