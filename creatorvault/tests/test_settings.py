"""Production settings refuse to start without their secrets; the defaults need nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k1:" + "A" * 43 + "="
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x7Qp-2mZ9vR4tL8wK1nB6cY3hJ5dF0gS_aE2uI9oP4rT7yW1zXcV8bN3mQ",
    "ALLOWED_HOSTS": "api.example.com",
    "BETTER_AUTH_URL": "https://auth.example.com",
    "ENCRYPTION_KEYS": GOOD_KEY,
}


# Settings under test, plus what another test's fixture may have exported into this process.
CLEARED_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "BETTER_AUTH_URL",
    "ENCRYPTION_KEYS",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED_VARIABLES}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("missing", "mentioned"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS"),
        ("BETTER_AUTH_URL", "BETTER_AUTH_URL"),
        ("ENCRYPTION_KEYS", "ENCRYPTION_KEYS"),
    ],
)
def test_production_refuses_to_start_without_a_secret(missing: str, mentioned: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert mentioned in result.stderr
    assert "refuses to start" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable", ["REVISIONS_KEEP=0", "TRASH_RETENTION_DAYS=-1"])
def test_nonsense_values_refuse_to_start_even_in_debug(variable: str, tmp_path: Path) -> None:
    name, value = variable.split("=")
    result = manage("check", STATE_DIR=str(tmp_path), **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
    assert "refuses to start" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_an_insecure_secret_key() -> None:
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": "django-insecure-short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_checklist() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_environment_at_all_runs_in_debug_on_sqlite(tmp_path: Path) -> None:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        STATE_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]
