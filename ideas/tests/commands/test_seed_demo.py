"""`seed_demo`: a realistic demo dataset, created through the services, safe to re-run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from ideas.models import Idea


def run(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def test_seeds_creators_with_varied_valid_ideas(db):
    out = run("--creators", "6", "--ideas-per-creator", "10")
    assert "Created 6 demo creator(s) with 60 idea(s); 0 already present, skipped." in out
    assert "creators seeded" in out  # progress
    assert User.objects.filter(pk__startswith="demo-creator-").count() == 6
    ideas = Idea.objects.all()
    assert ideas.count() == 60
    assert len(set(ideas.values_list("stage", flat=True))) >= 3
    assert len({d.year * 12 + d.month for d in ideas.values_list("created_at", flat=True)}) > 3
    for idea in ideas:
        assert idea.title and idea.tags == sorted(set(idea.tags), key=idea.tags.index)
        assert all(tag == tag.lower() for tag in idea.tags)


def test_rerun_skips_existing_creators(db):
    run("--creators", "2", "--ideas-per-creator", "3")
    out = run("--creators", "3", "--ideas-per-creator", "3")
    assert "Created 1 demo creator(s) with 3 idea(s); 2 already present, skipped." in out
    assert Idea.objects.count() == 9


def test_dry_run_writes_nothing(db):
    out = run("--creators", "2", "--dry-run")
    assert out.startswith("Dry run: would create 2 demo creator(s) with 50 idea(s)")
    assert not User.objects.exists()
    assert not Idea.objects.exists()


def test_refuses_production_without_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        run("--creators", "1")
    assert "Created 1" in run("--creators", "1", "--ideas-per-creator", "1", "--force")


@pytest.mark.parametrize(
    "args", [("--creators", "0"), ("--ideas-per-creator", "-1"), ("--creators", "10001")]
)
def test_bad_numbers_are_refused(db, args):
    with pytest.raises(CommandError):
        run(*args)
