"""Migration 0013 in a scratch SQLite project state: the word index rekeyed by (idea, word), both ways.

Like test_notes_migration, these run `manage.py` in subprocesses against their own database file.
(On PostgreSQL the test database is migrated forward by the test run itself; its schema is checked
in test_ideas_list.)
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from ideas.tests.services.test_notes_migration import manage

pytestmark = pytest.mark.slow

IDEA = uuid.uuid4().hex
HASHES = [bytes([n]) * 16 for n in (1, 2, 3)]


def entries(db: sqlite3.Connection) -> set[tuple[str, str, bytes]]:
    return set(db.execute("SELECT owner_id, idea_id, token_hash FROM ideas_ideanotetoken"))


def columns(db: sqlite3.Connection) -> list[str]:
    return [row[1] for row in db.execute("PRAGMA table_info(ideas_ideanotetoken)")]


@pytest.fixture
def at_0012(tmp_path: Path) -> Path:
    for app, target in (("ideas", "0012"), ("accounts", None)):
        result = manage(tmp_path, "migrate", "--no-input", app, *([target] if target else []))
        assert result.returncode == 0, result.stderr
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    db.execute(
        "INSERT INTO accounts_user (id, email, name, password, is_active, is_staff, is_superuser, created_at,"
        " updated_at) VALUES ('u1', 'u1@example.com', '', '!', 1, 0, 0, '2026-01-01', '2026-01-01')"
    )
    db.execute(
        "INSERT INTO ideas_idea (id, user_id, title, notes_sealed, notes_key_id, stage, tags, priority,"
        " version, created_at, updated_at) VALUES (?, 'u1', 'T', '', '', 'idea', '[]', 'medium', 1,"
        " '2026-01-01', '2026-01-01')",
        (IDEA,),
    )
    db.executemany(
        "INSERT INTO ideas_ideanotetoken (owner_id, idea_id, token_hash) VALUES ('u1', ?, ?)",
        [(IDEA, h) for h in HASHES],
    )
    db.commit()
    db.close()
    return tmp_path


def test_the_entries_keep_their_words_under_the_new_key_and_back(at_0012: Path) -> None:
    path = at_0012 / "db.sqlite3"
    before = entries(sqlite3.connect(path))
    assert len(before) == 3

    assert manage(at_0012, "migrate", "--no-input", "ideas", "0013").returncode == 0
    db = sqlite3.connect(path)
    assert entries(db) == before
    assert "id" not in columns(db)
    key = [
        row[1]
        for row in sorted(db.execute("PRAGMA table_info(ideas_ideanotetoken)"), key=lambda r: r[5])
        if row[5]
    ]
    assert key == ["idea_id", "token_hash"]
    with pytest.raises(sqlite3.IntegrityError):  # one entry per word of an idea, as before
        db.execute(
            "INSERT INTO ideas_ideanotetoken (owner_id, idea_id, token_hash) VALUES ('u1', ?, ?)",
            (IDEA, HASHES[0]),
        )
    db.close()

    assert manage(at_0012, "migrate", "--no-input", "ideas", "0012").returncode == 0
    db = sqlite3.connect(path)
    assert entries(db) == before
    assert len({row[0] for row in db.execute("SELECT id FROM ideas_ideanotetoken")}) == 3
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO ideas_ideanotetoken (owner_id, idea_id, token_hash) VALUES ('u1', ?, ?)",
            (IDEA, HASHES[0]),
        )
    db.close()
