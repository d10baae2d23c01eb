"""`normalize_tags`: re-applies the tag rules to every stored idea, in batches."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("normalize_tags", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored(tags: list) -> Idea:
    """An idea whose tags were written around the rules (as old data or a raw SQL fix might have)."""
    idea = IdeaFactory.create()
    Idea.objects.filter(pk=idea.pk).update(tags=tags)
    idea.refresh_from_db()
    return idea


def test_normalizes_every_idea_and_bumps_their_version(db):
    messy = stored(["  Blog", "blog", "RESEARCH ", "video"])
    clean = stored(["blog"])
    updated_at = messy.updated_at
    out, _ = run("--batch-size", "1")
    assert "2 idea(s) checked, 1 changed, 0 invalid." in out
    assert "checked" in out.splitlines()[0]  # progress lines while batching
    messy.refresh_from_db()
    clean.refresh_from_db()
    assert messy.tags == ["blog", "research", "video"]
    assert (messy.version, clean.version) == (2, 1)
    assert messy.updated_at == updated_at  # maintenance is not a user edit


def test_dry_run_reports_and_writes_nothing(db):
    messy = stored(["A", "a"])
    out, _ = run("--dry-run")
    assert "Dry run: 1 idea(s) checked, 1 would change, 0 invalid." in out
    messy.refresh_from_db()
    assert (messy.tags, messy.version) == (["A", "a"], 1)


def test_invalid_tags_are_listed_and_kept_unless_repair(db):
    bad = stored(["ok", 7, "x" * 60, " "] + [f"t{i}" for i in range(25)])
    out, err = run()
    assert "1 invalid." in out
    assert str(bad.pk) in err
    bad.refresh_from_db()
    assert bad.tags[0] == "ok" and len(bad.tags) == 29

    out, _ = run("--repair")
    assert "1 changed, 1 repaired, 0 invalid." in out
    bad.refresh_from_db()
    assert bad.tags == ["ok"] + [f"t{i}" for i in range(19)]


def test_empty_table_is_fine(db):
    out, _ = run()
    assert "0 idea(s) checked, 0 changed, 0 invalid." in out


@pytest.mark.parametrize("size", ["0", "100001"])
def test_bad_batch_size_is_refused(db, size):
    with pytest.raises(CommandError, match="--batch-size"):
        run("--batch-size", size)
