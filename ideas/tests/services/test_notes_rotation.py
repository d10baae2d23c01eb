"""Key rotation: every value moves to the new key, the old key can go, an interruption resumes."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ideas.models import Idea, IdeaNoteToken
from ideas.selectors.notes import key_usage
from ideas.services import notes as notes_service
from ideas.tests.helpers import IDEAS, KEY_NEW, KEY_OLD, create_idea, search_titles


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def ideas_under_old_key(owner, outsider, client_for, sealing_keys):
    for n in range(5):
        create_idea(client_for(owner), title=f"Mine {n}", notes=f"ocelot number{n}")
    create_idea(client_for(outsider), title="Theirs", notes="ocelot")
    create_idea(client_for(owner), title="Empty", notes="")
    return sealing_keys


def key_ids() -> dict[str, int]:
    return dict(key_usage().values_by_key_id)


def test_rotation_moves_every_value_and_the_old_key_can_go(owner, client_for, ideas_under_old_key, settings):
    before = {i.pk: (i.updated_at, i.version) for i in Idea.objects.all()}
    tokens_before = set(IdeaNoteToken.objects.values_list("token_hash", flat=True))
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    output = run("rotate_encryption_key", "--batch-size", "2")
    assert "batch 1" in output and "batch 3" in output
    assert output.strip().splitlines()[-1] == (
        "Re-sealed 6 value(s) under key 'k2026' in 3 batch(es); 0 failed; 0 remaining under other keys."
    )
    assert key_ids() == {"k2026": 6}
    # The index moved with the notes; rotation is not an edit.
    assert not tokens_before & set(IdeaNoteToken.objects.values_list("token_hash", flat=True))
    assert {i.pk: (i.updated_at, i.version) for i in Idea.objects.all()} == before

    settings.ENCRYPTION_KEYS = [KEY_NEW]  # drop the old key
    client = client_for(owner)
    assert search_titles(client, "ocelot") == [f"Mine {n}" for n in range(5)]
    assert search_titles(client, "number3") == ["Mine 3"]
    notes = sorted(i["notes"] for i in client.get(IDEAS, {"limit": 100}).json()["data"]["ideas"])
    assert notes == ["", *(f"ocelot number{n}" for n in range(5))]
    assert "0 not under the current key 'k2026'" in run("encryption_status")


def test_interrupted_rotation_resumes(ideas_under_old_key, settings):
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    real_reseal = notes_service._reseal
    calls = {"n": 0}

    def crash_on_fourth(idea):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the operator's Ctrl-C, mid-batch
        return real_reseal(idea)

    with mock.patch.object(notes_service, "_reseal", crash_on_fourth), pytest.raises(KeyboardInterrupt):
        run("rotate_encryption_key", "--batch-size", "2")
    # The first batch committed; the interrupted one rolled back whole.
    assert key_ids() == {"k2026": 2, "k2025": 4}
    output = run("rotate_encryption_key", "--batch-size", "2")
    assert "Re-sealed 4 value(s)" in output and "0 remaining" in output
    assert key_ids() == {"k2026": 6}


def test_max_batches_stops_early_and_a_rerun_finishes(ideas_under_old_key, settings):
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    assert "4 remaining" in run("rotate_encryption_key", "--batch-size", "2", "--max-batches", "1")
    assert "0 remaining" in run("rotate_encryption_key")


def test_dry_run_writes_nothing(ideas_under_old_key, settings):
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    output = run("rotate_encryption_key", "--dry-run")
    assert "Dry run: 6 value(s) would be re-sealed under 'k2026', 0 do not open" in output
    assert key_ids() == {"k2025": 6}


def test_a_value_that_does_not_open_is_reported_not_fatal(owner, ideas_under_old_key, settings):
    first, second = Idea.objects.for_owner(owner).exclude(notes_key_id="").order_by("pk")[:2]
    Idea.objects.filter(pk=first.pk).update(notes_sealed=second.notes_sealed)
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    with pytest.raises(CommandError, match=r"Re-sealed 5 value.*1 failed; 1 remaining"):
        run("rotate_encryption_key")


def test_encryption_status_reports_each_key(ideas_under_old_key, settings):
    settings.ENCRYPTION_KEYS = [KEY_NEW]
    output = run("encryption_status")
    assert "k2025" in output and "NOT CONFIGURED" in output
    assert "unknown key id(s): k2025" in output
    assert "(empty notes)" in output
