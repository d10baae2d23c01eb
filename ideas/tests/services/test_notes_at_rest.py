"""Notes are sealed at rest: raw SQL and pg_dump show no note text; moved ciphertexts do not open."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from ideas.checks import encryption_problems
from ideas.models import Idea
from ideas.tests.helpers import IDEAS, KEY_NEW, KEY_OLD, create_idea, raw_rows

NOTE = "Interview Zanzibar beekeepers about honeycomb pricing; quokka tangent"
NOTE_WORDS = ["Zanzibar", "beekeepers", "honeycomb", "pricing", "quokka", "tangent"]


@pytest.fixture
def owner_client(owner, client_for, sealing_keys):
    return client_for(owner)


def test_notes_column_holds_only_ciphertext(owner_client):
    created = create_idea(owner_client, title="Bees", notes=NOTE)
    assert created["notes"] == NOTE
    ((sealed, key_id),) = raw_rows("SELECT notes_sealed, notes_key_id FROM ideas_idea")
    assert sealed.startswith("v1:k2025:")
    assert key_id == "k2025"
    for word in NOTE_WORDS:
        assert word.lower() not in sealed.lower()
    # The word index holds keyed hashes only.
    for (token,) in raw_rows("SELECT token_hash FROM ideas_ideanotetoken"):
        assert len(bytes(token)) == 16
        assert not any(word.lower().encode() in bytes(token).lower() for word in NOTE_WORDS)
    # The API and the model see plain notes.
    assert owner_client.get(f"{IDEAS}/{created['id']}").json()["data"]["notes"] == NOTE
    assert Idea.objects.get(pk=created["id"]).notes == NOTE


def _pg_dump() -> str | None:
    for candidate in ("/usr/lib/postgresql/15/bin/pg_dump", shutil.which("pg_dump"), "/usr/bin/pg_dump"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_contains_no_word_of_any_note(owner, outsider, client_for, sealing_keys):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL (set DATABASE_URL)")
    dump_binary = _pg_dump()
    if dump_binary is None:
        pytest.skip("pg_dump is not installed")
    create_idea(client_for(owner), title="Bees", notes=NOTE)
    create_idea(client_for(outsider), title="Other", notes="Xylophonist marmalade stratagem")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = [dump_binary, "--no-owner", "--data-only", "-h", str(db.get("HOST") or "127.0.0.1")]
    args += ["-p", str(db.get("PORT") or 5432), "-U", str(db.get("USER") or "postgres"), str(db["NAME"])]
    dump = subprocess.run(args, capture_output=True, text=True, env=env, check=True, timeout=60).stdout
    assert "Bees" in dump  # the dump did capture the ideas table
    for word in [*NOTE_WORDS, "Xylophonist", "marmalade", "stratagem"]:
        assert word.lower() not in dump.lower(), word


def _swap_sealed_notes(first_id: str, second_id: str) -> None:
    sealed = dict(Idea.objects.filter(pk__in=[first_id, second_id]).values_list("pk", "notes_sealed"))
    a, b = (sealed[Idea._meta.pk.to_python(i)] for i in (first_id, second_id))
    Idea.objects.filter(pk=first_id).update(notes_sealed=b)
    Idea.objects.filter(pk=second_id).update(notes_sealed=a)


def test_ciphertext_moved_to_another_row_fails_without_leaking(owner_client, caplog):
    first = create_idea(owner_client, title="First", notes="alpha secret plan")
    second = create_idea(owner_client, title="Second", notes="bravo hidden scheme")
    _swap_sealed_notes(first["id"], second["id"])
    with caplog.at_level(logging.ERROR, logger="ideas.sealing"):
        response = owner_client.get(f"{IDEAS}/{first['id']}")
    assert response.status_code == 500
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "INTERNAL_ERROR"
    assert body["meta"]["request_id"] in body["error"]["message"]
    text = response.content.decode()
    for word in ("alpha", "bravo", "secret", "hidden", "plan", "scheme", "v1:"):
        assert word not in text
    records = [r for r in caplog.records if r.name == "ideas.sealing"]
    assert records and records[0].idea_id == first["id"]
    logged = "\n".join(f"{r.getMessage()} {vars(r)}" for r in records)
    for word in ("alpha", "bravo", "secret", "hidden"):
        assert word not in logged
    # The list answers the same way rather than serving empty notes a client might save back.
    assert owner_client.get(IDEAS).status_code == 500


def test_ciphertext_moved_to_another_users_idea_fails(owner, outsider, client_for, sealing_keys):
    mine = create_idea(client_for(owner), title="Mine", notes="private words")
    theirs = create_idea(client_for(outsider), title="Theirs", notes="other words")
    _swap_sealed_notes(mine["id"], theirs["id"])
    response = client_for(outsider).get(f"{IDEAS}/{theirs['id']}")
    assert response.status_code == 500
    assert "private" not in response.content.decode()


def test_search_terms_never_reach_the_logs(owner_client, caplog):
    create_idea(owner_client, title="Bees", notes=NOTE)
    with caplog.at_level(logging.DEBUG):
        owner_client.get(IDEAS, {"search": "quokka"})
        owner_client.get(IDEAS, {"search": "x" * 500})  # a 400 must not echo it either
    assert "quokka" not in "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "honeycomb" not in "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)


def test_startup_check_refuses_key_ids_it_does_not_have(owner_client, settings):
    create_idea(owner_client, title="Bees", notes=NOTE)
    assert encryption_problems() == []
    settings.ENCRYPTION_KEYS = [KEY_NEW]
    (problem,) = encryption_problems()
    assert "k2025" in problem and "ENCRYPTION_KEYS" in problem
    assert KEY_OLD.split(":")[1] not in problem
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    assert encryption_problems() == []
