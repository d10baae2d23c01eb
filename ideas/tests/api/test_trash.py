"""The trash: DELETE moves an idea there, it vanishes everywhere, comes back unchanged, or is purged."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Idea, IdeaNoteToken, IdeaRevision
from ideas.tests.factories import IdeaFactory
from ideas.tests.helpers import detail_url

pytestmark = pytest.mark.django_db

TRASH = "/api/v1/trash"


def _visible_everywhere(client, idea_id: str) -> dict[str, bool]:
    """Where the idea (title "Zanzibar honey", tag "bees", note word "quokka") shows up."""
    return {
        "list": any(i["id"] == idea_id for i in client.get("/api/v1/ideas").json()["data"]["ideas"]),
        "detail": client.get(detail_url(idea_id)).status_code == 200,
        "tags": any(t["tag"] == "bees" for t in client.get("/api/v1/tags").json()["data"]["tags"]),
        "title_search": bool(client.get("/api/v1/ideas", {"search": "zanzibar"}).json()["data"]["ideas"]),
        "notes_search": bool(client.get("/api/v1/ideas", {"search": "quokka"}).json()["data"]["ideas"]),
        "tag_filter": bool(client.get("/api/v1/ideas", {"tags": "bees"}).json()["data"]["ideas"]),
        "stage_filter": bool(client.get("/api/v1/ideas", {"stage": "draft"}).json()["data"]["ideas"]),
        "revisions": client.get(detail_url(idea_id, suffix="/revisions")).status_code == 200,
    }


def test_delete_hides_everywhere_then_restore_brings_it_back_identical(owner_client):
    created = owner_client.post(
        "/api/v1/ideas",
        {"title": "Zanzibar honey", "notes": "A quokka tangent", "tags": ["bees"], "stage": "draft"},
        format="json",
    ).json()["data"]
    idea_id = created["id"]
    owner_client.patch(detail_url(idea_id), {"priority": "high"}, format="json")
    before = owner_client.get(detail_url(idea_id))
    assert all(_visible_everywhere(owner_client, idea_id).values())

    assert owner_client.delete(detail_url(idea_id)).status_code == 204
    assert not any(_visible_everywhere(owner_client, idea_id).values())
    # Writes cannot reach it either.
    assert owner_client.patch(detail_url(idea_id), {"title": "x"}, format="json").status_code == 404
    assert (
        owner_client.patch(detail_url(idea_id, suffix="/stage"), {"stage": "idea"}, format="json").status_code
        == 404
    )
    assert owner_client.put(detail_url(idea_id), {"title": "x"}, format="json").status_code == 404

    trash = owner_client.get(TRASH).json()["data"]
    assert [i["id"] for i in trash["ideas"]] == [idea_id]
    assert trash["ideas"][0]["trashed_at"].endswith("Z")
    assert trash["pagination"] == {
        "total": 1,
        "limit": 20,
        "offset": 0,
        "has_more": False,
        "next_cursor": None,
    }

    restored = owner_client.post(f"{TRASH}/{idea_id}/restore")
    assert restored.status_code == 200
    assert restored.json()["data"] == before.json()["data"]
    assert restored["ETag"] == before["ETag"]
    assert owner_client.get(detail_url(idea_id)).json()["data"] == before.json()["data"]
    assert all(_visible_everywhere(owner_client, idea_id).values())
    assert owner_client.get(TRASH).json()["data"]["ideas"] == []
    assert IdeaRevision.objects.filter(idea_id=idea_id).count() == 1  # the priority change, kept


def test_delete_honours_if_match(owner_client, make_idea):
    idea = make_idea()
    response = owner_client.delete(detail_url(idea), HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    idea.refresh_from_db()
    assert idea.trashed_at is None
    assert owner_client.delete(detail_url(idea), HTTP_IF_MATCH='"1"').status_code == 204


def test_trash_lists_most_recently_trashed_first_with_pagination(owner_client, make_idea):
    ideas = [make_idea(title=f"T{n}") for n in range(3)]
    now = timezone.now()
    for age, idea in enumerate(ideas):
        Idea.objects.filter(pk=idea.pk).update(trashed_at=now - timedelta(hours=age))
    make_idea(title="Live")
    data = owner_client.get(f"{TRASH}/", {"limit": 2}).json()["data"]
    assert [i["title"] for i in data["ideas"]] == ["T0", "T1"]
    assert {**data["pagination"], "next_cursor": None} == {
        "total": 3,
        "limit": 2,
        "offset": 0,
        "has_more": True,
        "next_cursor": None,
    }
    assert data["pagination"]["next_cursor"]
    data = owner_client.get(TRASH, {"limit": 2, "offset": 2}).json()["data"]
    assert [i["title"] for i in data["ideas"]] == ["T2"]
    assert data["pagination"]["has_more"] is False


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"offset": "-1"}, {"sort": "title"}])
def test_trash_list_refuses_bad_parameters(owner_client, query):
    response = owner_client.get(TRASH, query)
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == next(iter(query))


def test_trash_list_query_count_does_not_grow(owner_client, owner, django_assert_max_num_queries):
    for _ in range(3):
        IdeaFactory(user=owner, trashed_at=timezone.now())
    with CaptureQueriesContext(connection) as few:
        owner_client.get(TRASH)
    baseline = len(few.captured_queries)  # read now: the next request resets Django's query log
    for _ in range(30):
        IdeaFactory(user=owner, trashed_at=timezone.now())
    with django_assert_max_num_queries(baseline):
        assert len(owner_client.get(TRASH).json()["data"]["ideas"]) == 20


def test_restore_of_a_live_or_missing_idea_is_404(owner_client, make_idea):
    idea = make_idea()
    for idea_id in (idea.pk, uuid.uuid4(), "not-a-uuid"):
        response = owner_client.post(f"{TRASH}/{idea_id}/restore/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_destroy_one_removes_idea_revisions_and_index(owner_client, make_idea):
    idea = make_idea(notes="honey words")
    owner_client.patch(detail_url(idea), {"notes": "other words"}, format="json")
    keep = make_idea(notes="kept words")
    assert IdeaRevision.objects.filter(idea=idea).count() == 1
    assert IdeaNoteToken.objects.filter(idea=idea).exists()
    assert owner_client.delete(f"{TRASH}/{idea.pk}").status_code == 404  # live ideas are not purged here
    owner_client.delete(detail_url(idea))
    response = owner_client.delete(f"{TRASH}/{idea.pk}/")
    assert response.status_code == 204
    assert not Idea.objects.filter(pk=idea.pk).exists()
    assert not IdeaRevision.objects.filter(idea_id=idea.pk).exists()
    assert not IdeaNoteToken.objects.filter(idea_id=idea.pk).exists()
    assert IdeaNoteToken.objects.filter(idea=keep).exists()
    assert owner_client.post(f"{TRASH}/{idea.pk}/restore").status_code == 404


def test_empty_trash_destroys_only_the_callers_trashed_ideas(owner_client, owner, outsider, make_idea):
    trashed = [make_idea(trashed_at=timezone.now()) for _ in range(3)]
    live = make_idea()
    foreign = IdeaFactory(user=outsider, trashed_at=timezone.now())
    response = owner_client.delete(TRASH)
    assert response.status_code == 200
    assert response.json()["data"] == {"purged": 3}
    assert not Idea.objects.filter(pk__in=[i.pk for i in trashed]).exists()
    assert Idea.objects.filter(pk__in=[live.pk, foreign.pk]).count() == 2
    assert owner_client.delete(f"{TRASH}/").json()["data"] == {"purged": 0}


def test_empty_trash_takes_no_query_parameters(owner_client, make_idea):
    idea = make_idea(trashed_at=timezone.now())
    assert owner_client.delete(f"{TRASH}?limit=5").status_code == 400
    assert Idea.objects.filter(pk=idea.pk).exists()


# --- manage.py purge_trash ------------------------------------------------------------------


def _trashed(owner, *, days_ago: float) -> Idea:
    return IdeaFactory.create(user=owner, trashed_at=timezone.now() - timedelta(days=days_ago))


def test_purge_trash_destroys_older_and_keeps_younger_and_live(owner, outsider, capsys):
    old = [_trashed(owner, days_ago=40), _trashed(outsider, days_ago=31)]
    young = _trashed(owner, days_ago=29)
    live = IdeaFactory(user=owner)
    IdeaRevision.objects.create(
        idea=old[0],
        owner=owner,
        number=1,
        version=1,
        title="t",
        stage="idea",
        priority="low",
        saved_at=timezone.now(),
    )
    call_command("purge_trash", "--older-than", "30d")
    assert not Idea.objects.filter(pk__in=[i.pk for i in old]).exists()
    assert not IdeaRevision.objects.exists()
    assert Idea.objects.filter(pk__in=[young.pk, live.pk]).count() == 2
    out = capsys.readouterr().out
    assert "Purged 2 idea(s)" in out
    assert "1 revision(s)" in out


def test_purge_trash_defaults_to_the_retention_setting(owner, settings):
    settings.TRASH_RETENTION_DAYS = 7
    older, younger = _trashed(owner, days_ago=8), _trashed(owner, days_ago=6)
    call_command("purge_trash")
    assert not Idea.objects.filter(pk=older.pk).exists()
    assert Idea.objects.filter(pk=younger.pk).exists()


def test_purge_trash_dry_run_deletes_nothing(owner, capsys):
    idea = _trashed(owner, days_ago=100)
    call_command("purge_trash", "--older-than", "30d", "--dry-run")
    assert Idea.objects.filter(pk=idea.pk).exists()
    assert "1 idea(s)" in capsys.readouterr().out


def test_purge_trash_works_in_batches_with_progress(owner, capsys):
    for _ in range(5):
        _trashed(owner, days_ago=60)
    call_command("purge_trash", "--older-than", "12h", "--batch-size", "2")
    assert not Idea.objects.exists()
    out = capsys.readouterr().out
    assert "2/5 ideas purged" in out and "4/5 ideas purged" in out
    assert "Purged 5 idea(s)" in out


@pytest.mark.parametrize("bad", ["30x", "-1d", "soon", ""])
def test_purge_trash_refuses_a_bad_age(owner, bad):
    with pytest.raises(CommandError):
        call_command("purge_trash", "--older-than", bad)


def test_purge_trash_refuses_a_bad_batch_size(owner):
    with pytest.raises(CommandError):
        call_command("purge_trash", "--batch-size", "0")
