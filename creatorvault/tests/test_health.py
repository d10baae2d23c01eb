"""Health endpoints with the database up, unreachable, and not migrated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]

# Calls the WSGI application in a fresh process whose database is a closed port.
PROBE = """
import json, os, sys, time
import django
django.setup()
from django.test import Client
client = Client()
out = {}
for path in sys.argv[1:]:
    started = time.monotonic()
    response = client.get(path)
    elapsed = time.monotonic() - started
    out[path] = {"status": response.status_code, "body": response.json(), "seconds": elapsed}
print(json.dumps(out))
"""


def run_probe(paths: list[str], **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *paths],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_health_endpoints_up(api_client: APIClient) -> None:
    assert api_client.get("/health").json()["data"]["status"] == "ok"
    db = api_client.get("/health/db")
    assert db.status_code == 200
    assert db.json()["data"]["database"] == "ok"
    ready = api_client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["data"] == {
        "status": "ready",
        "database": "ok",
        "migrations": "applied",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_health_is_not_rate_limited_nor_authenticated(api_client: APIClient, settings) -> None:
    settings.RATELIMIT_ANON = "2/m"
    statuses = {api_client.get("/health/db").status_code for _ in range(6)}
    assert statuses == {200}


@pytest.mark.slow
def test_database_down_answers_503_fast() -> None:
    started = time.monotonic()
    out = run_probe(
        ["/health", "/health/db", "/health/ready", "/api/v1/users/me"],
        DATABASE_URL="postgres://postgres@127.0.0.1:1/creatorvault",
    )
    assert out["/health"]["status"] == 200
    for path in ("/health/db", "/health/ready"):
        assert out[path]["status"] == 503, out[path]
        assert out[path]["body"]["error"]["code"] == "DATABASE_ERROR"
        assert out[path]["seconds"] < 3.0, out[path]
    assert time.monotonic() - started < 30


@pytest.mark.slow
def test_ready_is_503_when_migrations_are_pending(tmp_path: Path) -> None:
    """An empty SQLite database answers SELECT 1 but is not migrated: ready says 503."""
    out = run_probe(["/health/db", "/health/ready"], STATE_DIR=str(tmp_path))
    assert out["/health/db"]["status"] == 200
    assert out["/health/ready"]["status"] == 503
    assert "migration" in out["/health/ready"]["body"]["error"]["message"]
