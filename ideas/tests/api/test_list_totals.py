"""List totals are remembered (no COUNT on a repeated page) and stay exact after every kind of write.

Each write below goes through a different path (create, update, stage, trash, restore, purge, bulk,
tag rename, the tag normalising command, an admin-style save, a queryset update) and the totals the
API answers right after it must be the true ones; with the remembered totals never made stale,
each of these tests fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea
from ideas.selectors.ideas import idea_list
from ideas.selectors.params import IdeaListParams
from ideas.tests.factories import IdeaFactory

# Committed writes, as in production: a write's new generation is filed when its transaction
# commits (inside the test's own transaction the lists would always count).
pytestmark = pytest.mark.django_db(transaction=True)

IDEAS = "/api/v1/ideas"


def _total(client: Any, query: str = "") -> int:
    response = client.get(f"{IDEAS}?{query}")
    assert response.status_code == 200, response.content
    return int(response.json()["data"]["pagination"]["total"])


@pytest.fixture
def remembered(owner_client) -> Callable[[str], int]:
    """`remembered(query)`: the list's total, asked twice (remembered by then, even before any write)."""

    def ask(query: str = "") -> int:
        _total(owner_client, query)
        return _total(owner_client, query)

    return ask


def _counts(client: Any, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(f"{IDEAS}?{query}")
    return sum("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_a_repeated_page_is_not_counted_again(owner, owner_client) -> None:
    IdeaFactory.create_batch(30, user=owner, tags=["video"])
    assert _counts(owner_client, "tags=video") == 1
    assert _counts(owner_client, "tags=video") == 0
    assert _counts(owner_client, "tags=video&offset=20") == 0  # the same list, another page
    assert _counts(owner_client, "tags=other") == 1  # another list


def test_off_it_counts_every_page(settings, owner, owner_client) -> None:
    settings.LIST_TOTALS_CACHE_SECONDS = 0
    IdeaFactory.create_batch(3, user=owner)
    assert [_counts(owner_client, "") for _ in range(3)] == [1, 1, 1]


def test_totals_are_the_owners_own(owner, outsider, owner_client, outsider_client) -> None:
    IdeaFactory.create_batch(25, user=owner, tags=["video"])
    IdeaFactory.create_batch(22, user=outsider, tags=["video"])
    for _ in range(3):
        assert _total(owner_client, "tags=video") == 25
        assert _total(outsider_client, "tags=video") == 22


def test_create_update_stage_and_trash_change_the_totals_at_once(owner, owner_client, remembered) -> None:
    IdeaFactory.create_batch(21, user=owner, tags=["video"], stage="idea")
    assert remembered("") == 21
    created = owner_client.post(IDEAS, {"title": "One more", "tags": ["video"]}, format="json")
    assert created.status_code == 201
    idea_id = created.json()["data"]["id"]
    assert _total(owner_client) == 22
    assert remembered("tags=video") == 22
    owner_client.patch(f"{IDEAS}/{idea_id}", {"tags": ["other"]}, format="json")
    assert _total(owner_client, "tags=video") == 21
    assert remembered("stage=draft") == 0
    owner_client.patch(f"{IDEAS}/{idea_id}/stage", {"stage": "draft"}, format="json")
    assert _total(owner_client, "stage=draft") == 1
    assert remembered("") == 22
    assert owner_client.delete(f"{IDEAS}/{idea_id}").status_code == 204
    assert _total(owner_client) == 21
    assert remembered("") == 21


def test_restore_and_purge_change_the_totals(owner, owner_client, remembered) -> None:
    ideas = IdeaFactory.create_batch(25, user=owner)
    for idea in ideas[:22]:
        owner_client.delete(f"{IDEAS}/{idea.pk}")

    def trash_total() -> int:
        return int(owner_client.get("/api/v1/trash?limit=5").json()["data"]["pagination"]["total"])

    assert [trash_total() for _ in range(3)] == [22, 22, 22]
    assert remembered("") == 3
    assert owner_client.post(f"/api/v1/trash/{ideas[0].pk}/restore").status_code == 200
    assert trash_total() == 21
    assert _total(owner_client) == 4
    assert owner_client.delete(f"/api/v1/trash/{ideas[1].pk}").status_code == 204
    assert trash_total() == 20


def test_search_totals_follow_changed_notes(owner, owner_client, remembered) -> None:
    ideas = IdeaFactory.create_batch(22, user=owner, notes="nothing here")
    assert remembered("search=zebra") == 0
    owner_client.patch(f"{IDEAS}/{ideas[0].pk}", {"notes": "a zebra crossing"}, format="json")
    assert _total(owner_client, "search=zebra") == 1


def test_bulk_actions_change_the_totals(owner, owner_client, remembered) -> None:
    ideas = IdeaFactory.create_batch(24, user=owner, tags=["video"])
    assert remembered("tags=video") == 24
    body = {"action": "trash", "ids": [str(idea.pk) for idea in ideas[:3]]}
    response = owner_client.post(f"{IDEAS}/bulk", body, format="json")
    assert response.status_code == 200, response.content
    assert _total(owner_client, "tags=video") == 21
    assert remembered("tags=bench") == 0
    body = {"action": "add_tags", "ids": [str(idea.pk) for idea in ideas[3:5]], "value": ["bench"]}
    response = owner_client.post(f"{IDEAS}/bulk", body, format="json")
    assert response.status_code == 200, response.content
    assert _total(owner_client, "tags=bench") == 2


def test_renaming_a_tag_changes_the_totals(owner, owner_client, remembered) -> None:
    IdeaFactory.create_batch(23, user=owner, tags=["vlog"])
    assert remembered("tags=video") == 0
    response = owner_client.post("/api/v1/tags/rename", {"from": "vlog", "to": "video"}, format="json")
    assert response.status_code < 300, response.content
    assert _total(owner_client, "tags=video") == 23


def test_writes_outside_the_api_change_the_totals(owner, owner_client, remembered) -> None:
    ideas = IdeaFactory.create_batch(22, user=owner, tags=["video"])
    assert remembered("tags=video") == 22
    Idea.objects.filter(pk=ideas[0].pk).update(tags=["other"])  # a queryset update
    assert _total(owner_client, "tags=video") == 21
    assert remembered("tags=video") == 21
    idea = Idea.objects.get(pk=ideas[1].pk)  # a save, as the admin makes it
    idea.tags = ["other"]
    idea.save()
    assert _total(owner_client, "tags=video") == 20
    assert remembered("") == 22
    Idea.objects.get(pk=ideas[2].pk).delete()
    assert _total(owner_client) == 21
    assert remembered("") == 21
    Idea.objects.filter(pk__in=[ideas[3].pk, ideas[4].pk]).delete()
    assert _total(owner_client) == 19


def test_the_tag_normalising_command_changes_the_totals(owner, owner_client, remembered) -> None:
    ideas = IdeaFactory.create_batch(21, user=owner, tags=["video"])
    Idea.objects.filter(pk=ideas[0].pk).update(tags=["  Video  "])  # stored un-normalised
    assert remembered("tags=video") == 20
    call_command("normalize_tags", stdout=None)
    assert _total(owner_client, "tags=video") == 21


def test_a_transaction_counts_its_own_writes(owner, remembered) -> None:
    IdeaFactory.create_batch(21, user=owner)
    assert remembered("") == 21
    with transaction.atomic():
        IdeaFactory(user=owner)
        assert idea_list(owner=owner, params=IdeaListParams(limit=5)).total == 22
    assert remembered("") == 22


class _CountingCache:
    """The cache `ideas.totals` uses, counting the operations it sends."""

    def __init__(self, cache: Any) -> None:
        self._cache, self.calls = cache, 0

    def __getattr__(self, name: str) -> Any:
        operation = getattr(self._cache, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return operation(*args, **kwargs)

        return counted


def test_a_repeated_page_costs_no_cache_trip_of_its_own(monkeypatch, owner, owner_client) -> None:
    """The owner's generation came with the rate-limit count; the total is in the worker's memory."""
    from ideas import totals

    IdeaFactory.create_batch(23, user=owner, tags=["video"])
    assert _total(owner_client, "tags=video") == 23  # counted: generation started
    assert _total(owner_client, "tags=video") == 23  # counted again, filed under the generation
    counting = _CountingCache(totals.cache)
    monkeypatch.setattr(totals, "cache", counting)
    assert [_total(owner_client, "tags=video") for _ in range(3)] == [23, 23, 23]
    assert counting.calls == 0
    owner_client.post(IDEAS, {"title": "One more", "tags": ["video"]}, format="json")
    assert _total(owner_client, "tags=video") == 24  # a write replaced the generation: read again
    assert counting.calls > 0


def test_a_request_that_writes_then_lists_sees_its_own_write(owner, owner_client) -> None:
    """As a chat turn does (one request, tools that create then list): the generation it read first
    is forgotten when its write commits, so its list cannot use a total from before the write."""
    from django.core.cache import cache

    from creatorvault.context import count_reads_var
    from ideas.services.ideas import idea_create
    from ideas.totals import generation_key

    IdeaFactory.create_batch(21, user=owner)
    assert _total(owner_client) == 21
    assert _total(owner_client) == 21  # remembered under the current generation
    key = generation_key(str(owner.pk))
    token = count_reads_var.set({key: cache.get(key)})  # what this request's count read
    try:
        assert idea_list(owner=owner, params=IdeaListParams(limit=5)).total == 21
        idea_create(owner=owner, title="Made in the same request")
        assert idea_list(owner=owner, params=IdeaListParams(limit=5)).total == 22
    finally:
        count_reads_var.reset(token)
    assert _total(owner_client) == 22
