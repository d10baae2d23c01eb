"""Tags as a whole: rename (with merge) and delete across the caller's ideas, atomically."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.utils import timezone

from ideas.models import Idea, IdeaRevision
from ideas.services.tags import tag_rename
from ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db

RENAME = "/api/v1/tags/rename"


def _tags(idea: Idea) -> list[str]:
    idea.refresh_from_db()
    return idea.tags


def test_rename_changes_every_idea_keeping_positions(owner_client, make_idea):
    first = make_idea(tags=["travel", "vlog", "italy"])
    second = make_idea(tags=["vlog"])
    untouched = make_idea(tags=["blog"])
    response = owner_client.post(RENAME, {"from": "vlog", "to": "video"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"] == {"from": "vlog", "to": "video", "changed": 2}
    assert _tags(first) == ["travel", "video", "italy"]
    assert _tags(second) == ["video"]
    assert _tags(untouched) == ["blog"]
    assert (first.version, second.version, untouched.version) == (2, 2, 1)
    revision = IdeaRevision.objects.get(idea=first)
    assert (revision.tags, revision.changed_fields) == (["travel", "vlog", "italy"], ["tags"])
    tags = owner_client.get("/api/v1/tags").json()["data"]["tags"]
    assert {t["tag"] for t in tags} == {"travel", "video", "italy", "blog"}


def test_rename_merges_into_an_existing_tag_without_duplicates(owner_client, make_idea):
    both = make_idea(tags=["vlog", "x", "video"])
    target_first = make_idea(tags=["video", "vlog"])
    only_source = make_idea(tags=["vlog"])
    response = owner_client.post(f"{RENAME}/", {"from": "vlog", "to": "video"}, format="json")
    assert response.json()["data"]["changed"] == 3
    assert _tags(both) == ["video", "x"]
    assert _tags(target_first) == ["video"]
    assert _tags(only_source) == ["video"]
    assert owner_client.get("/api/v1/tags").json()["data"]["tags"] == [
        {"tag": "video", "count": 3},
        {"tag": "x", "count": 1},
    ]


def test_rename_normalises_both_names(owner_client, make_idea):
    idea = make_idea(tags=["vlog"])
    response = owner_client.post(RENAME, {"from": "  VLOG ", "to": " Video "}, format="json")
    assert response.json()["data"] == {"from": "vlog", "to": "video", "changed": 1}
    assert _tags(idea) == ["video"]


def test_rename_to_itself_changes_nothing(owner_client, make_idea):
    idea = make_idea(tags=["vlog"])
    response = owner_client.post(RENAME, {"from": "vlog", "to": "VLOG"}, format="json")
    assert response.json()["data"] == {"from": "vlog", "to": "vlog", "changed": 0}
    idea.refresh_from_db()
    assert idea.version == 1


def test_rename_of_a_tag_nobody_carries_is_404(owner_client, make_idea, outsider):
    IdeaFactory(user=outsider, tags=["vlog"])
    response = owner_client.post(RENAME, {"from": "vlog", "to": "video"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {"from": "vlog"},
        {"from": "", "to": "video"},
        {"from": "vlog", "to": "x" * 51},
        {"from": "a", "to": "b", "x": 1},
    ],
)
def test_rename_refuses_bad_bodies(owner_client, make_idea, body):
    idea = make_idea(tags=["vlog"])
    response = owner_client.post(RENAME, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert _tags(idea) == ["vlog"]


def test_rename_leaves_other_users_and_trashed_ideas_alone(owner_client, make_idea, outsider):
    foreign = IdeaFactory(user=outsider, tags=["vlog"])
    trashed = make_idea(tags=["vlog"], trashed_at=timezone.now())
    live = make_idea(tags=["vlog"])
    assert (
        owner_client.post(RENAME, {"from": "vlog", "to": "video"}, format="json").json()["data"]["changed"]
        == 1
    )
    assert _tags(live) == ["video"]
    assert _tags(foreign) == ["vlog"]
    assert _tags(trashed) == ["vlog"]


def test_rename_is_all_or_nothing(owner_client, make_idea, monkeypatch):
    ideas = [make_idea(tags=["vlog"]) for _ in range(3)]

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ideas.services.content.Idea.objects.bulk_update", fail)
    with pytest.raises(RuntimeError):
        tag_rename(owner=ideas[0].user, source="vlog", target="video")
    assert [_tags(i) for i in ideas] == [["vlog"]] * 3
    assert not IdeaRevision.objects.exists()


def test_delete_tag_removes_it_from_every_idea(owner_client, make_idea, outsider):
    first = make_idea(tags=["a", "vlog", "b"])
    second = make_idea(tags=["vlog"])
    other = make_idea(tags=["a"])
    foreign = IdeaFactory(user=outsider, tags=["vlog"])
    response = owner_client.delete("/api/v1/tags/VLOG/")
    assert response.status_code == 200
    assert response.json()["data"] == {"tag": "vlog", "changed": 2}
    assert (_tags(first), _tags(second), _tags(other), _tags(foreign)) == (["a", "b"], [], ["a"], ["vlog"])
    assert IdeaRevision.objects.filter(idea__in=[first, second]).count() == 2
    assert owner_client.delete("/api/v1/tags/vlog").status_code == 404


def test_delete_tag_with_a_slash_and_the_tag_named_rename(owner_client, make_idea):
    idea = make_idea(tags=["a/b", "rename", "c"])
    assert owner_client.delete(f"/api/v1/tags/{quote('a/b', safe='')}").json()["data"]["changed"] == 1
    assert owner_client.delete("/api/v1/tags/rename").json()["data"] == {"tag": "rename", "changed": 1}
    assert _tags(idea) == ["c"]


def test_delete_of_an_unknown_or_malformed_tag_is_404(owner_client, make_idea):
    make_idea(tags=["vlog"])
    assert owner_client.delete("/api/v1/tags/nope").status_code == 404
    assert owner_client.delete(f"/api/v1/tags/{'x' * 60}").status_code == 404
