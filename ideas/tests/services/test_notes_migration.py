"""In a scratch SQLite project state: the sealing migration (both ways) and the start-up refusal.

These run `manage.py` in subprocesses against their own database file, so they can migrate
backwards and boot the WSGI application without touching the test database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from ideas.models.sealed import notes_open_value, notes_word_hashes
from ideas.tests.helpers import KEY_NEW, KEY_OLD

pytestmark = pytest.mark.slow

NOTES = {"First": "plain marmoset strategy", "Second": "", "Third": "Zebra crossing ideas"}


def manage(
    state: Path, *args: str, keys: str = KEY_OLD, code: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENCRYPTION_KEYS")}
    env.update(
        {"STATE_DIR": str(state), "ENCRYPTION_KEYS": keys, "DEBUG": "True", "ENCRYPTION_BATCH_SIZE": "2"}
    )
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def state(tmp_path: Path) -> Path:
    result = manage(tmp_path, "migrate", "--no-input", "ideas", "0002")
    assert result.returncode == 0, result.stderr
    manage(tmp_path, "migrate", "--no-input", "accounts")
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    db.execute(
        "INSERT INTO accounts_user (id, email, name, password, is_active, is_staff, is_superuser, created_at,"
        " updated_at) VALUES ('u1', 'u1@example.com', '', '!', 1, 0, 0, '2026-01-01', '2026-01-01')"
    )
    for title, notes in NOTES.items():
        db.execute(
            "INSERT INTO ideas_idea (id, user_id, title, notes, stage, tags, priority, version, created_at,"
            " updated_at) VALUES (?, 'u1', ?, ?, 'idea', '[]', 'medium', 1, '2026-01-01', '2026-01-01')",
            (uuid.uuid4().hex, title, notes),
        )
    db.commit()
    db.close()
    return tmp_path


def rows(state: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(state / "db.sqlite3")
    try:
        return list(db.execute(sql).fetchall())
    finally:
        db.close()


def test_migration_seals_existing_notes_and_is_reversible(state, settings):
    result = manage(state, "migrate", "--no-input", "ideas", "0005")
    assert result.returncode == 0, result.stderr
    sealed = dict(rows(state, "SELECT title, notes_sealed FROM ideas_idea"))
    assert sealed["Second"] == ""
    for title in ("First", "Third"):
        assert sealed[title].startswith("v1:k2025:")
        assert not any(word.lower() in sealed[title].lower() for word in NOTES[title].split())
    assert "notes" not in {col[1] for col in rows(state, "PRAGMA table_info(ideas_idea)")}
    assert rows(state, "SELECT COUNT(*) FROM ideas_ideanotetoken") == [(6,)]
    # Every sealed value opens to its old text, and the index finds the idea by a normalised word.
    settings.ENCRYPTION_KEYS = [KEY_OLD]
    for idea_id, title, value in rows(
        state, "SELECT id, title, notes_sealed FROM ideas_idea WHERE notes_sealed != ''"
    ):
        assert (
            notes_open_value(str(value), idea_id=uuid.UUID(str(idea_id)), owner_id="u1") == NOTES[str(title)]
        )
    (marmoset,) = notes_word_hashes("marmoset", owner_id="u1")
    indexed = rows(
        state,
        "SELECT i.title FROM ideas_ideanotetoken t JOIN ideas_idea i ON i.id = t.idea_id "
        f"WHERE t.token_hash = X'{marmoset.hex()}'",
    )
    assert indexed == [("First",)]

    result = manage(state, "migrate", "--no-input", "ideas", "0002")
    assert result.returncode == 0, result.stderr
    assert dict(rows(state, "SELECT title, notes FROM ideas_idea")) == NOTES


def gunicorn(state: Path, keys: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENCRYPTION_KEYS")}
    env.update({"STATE_DIR": str(state), "ENCRYPTION_KEYS": keys, "DEBUG": "True", "WEB_CONCURRENCY": "1"})
    binary = str(Path(sys.executable).with_name("gunicorn"))
    command = [binary, "--config", "gunicorn.conf.py", "--bind", "127.0.0.1:0", "config.wsgi:application"]
    return subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)


def test_app_refuses_to_start_when_a_key_id_in_use_is_missing(state):
    assert manage(state, "migrate", "--no-input").returncode == 0
    refused = gunicorn(state, KEY_NEW)  # returns only because gunicorn gives up
    assert refused.returncode != 0
    assert "refuses to start" in refused.stderr and "k2025" in refused.stderr
    assert KEY_OLD.split(":")[1] not in refused.stderr
    check = manage(state, "check", keys=KEY_NEW)
    assert check.returncode != 0 and "ideas.E001" in check.stderr
    boot = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup();"
        "from ideas.checks import ensure_sealed_data_readable; ensure_sealed_data_readable(); print('ok')"
    )
    assert manage(state, code=boot, keys=f"{KEY_NEW},{KEY_OLD}").stdout.strip() == "ok"
    assert manage(state, "encryption_status", keys=KEY_NEW).returncode == 0  # works to diagnose it
