"""`POST /api/v1/ideas/bulk`: one change to up to 500 ideas, all or nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Idea, IdeaRevision
from ideas.tests.factories import IdeaFactory
from ideas.tests.helpers import detail_url, run_concurrently

pytestmark = pytest.mark.django_db

BULK = "/api/v1/ideas/bulk"


def _bulk(client, ids: list[Any], action: str, value: Any = None, *, path: str = BULK):
    body: dict[str, Any] = {"ids": [str(i) for i in ids], "action": action}
    if value is not None:
        body["value"] = value
    return client.post(path, body, format="json")


def _state(ideas: list[Idea]) -> list[tuple]:
    rows = Idea.objects.filter(pk__in=[i.pk for i in ideas]).order_by("pk")
    return [(i.pk, i.stage, i.priority, i.tags, i.version, i.updated_at, i.trashed_at) for i in rows]


def test_set_stage_changes_versions_and_keeps_revisions(owner_client, make_idea):
    ideas = [make_idea(stage="idea"), make_idea(stage="outline"), make_idea(stage="draft")]
    response = _bulk(owner_client, [i.pk for i in ideas], "set_stage", "draft")
    assert response.status_code == 200
    assert response.json()["data"] == {
        "action": "set_stage",
        "changed": [str(ideas[0].pk), str(ideas[1].pk)],
        "unchanged": [str(ideas[2].pk)],
    }
    for idea, version in zip(ideas, (2, 2, 1), strict=True):
        idea.refresh_from_db()
        assert (idea.stage, idea.version) == ("draft", version)
    assert owner_client.get(detail_url(ideas[0]))["ETag"] == '"2"'
    assert list(IdeaRevision.objects.filter(idea=ideas[1]).values_list("stage", "version")) == [
        ("outline", 1)
    ]
    assert not IdeaRevision.objects.filter(idea=ideas[2]).exists()
    # The new stage is sorted by meaning (the generated rank column follows the bulk update).
    listed = owner_client.get("/api/v1/ideas", {"sort": "stage", "stage": "draft"}).json()["data"]["ideas"]
    assert len(listed) == 3


@pytest.mark.parametrize(
    ("action", "value", "field", "before", "after"),
    [
        ("set_priority", "high", "priority", "low", "high"),
        ("add_tags", ["New", "b"], "tags", ["a", "b"], ["a", "b", "new"]),
        ("remove_tags", ["A", "zzz"], "tags", ["a", "b"], ["b"]),
    ],
)
def test_other_actions(owner_client, make_idea, action, value, field, before, after):
    idea = make_idea(**{field: before})
    response = _bulk(owner_client, [idea.pk], action, value)
    assert response.status_code == 200
    assert response.json()["data"]["changed"] == [str(idea.pk)]
    idea.refresh_from_db()
    assert getattr(idea, field) == after
    assert idea.version == 2
    assert getattr(IdeaRevision.objects.get(idea=idea), field) == before


def test_trash_action_moves_every_idea_to_the_trash(owner_client, make_idea):
    ideas = [make_idea() for _ in range(3)]
    response = _bulk(owner_client, [i.pk for i in ideas] + [ideas[0].pk], "trash")
    assert response.status_code == 200
    assert response.json()["data"]["changed"] == [str(i.pk) for i in ideas]
    assert owner_client.get("/api/v1/ideas").json()["data"]["ideas"] == []
    assert owner_client.get("/api/v1/trash").json()["data"]["pagination"]["total"] == 3
    assert set(Idea.objects.values_list("version", flat=True)) == {1}


@pytest.mark.parametrize("intruder", ["foreign", "missing", "trashed"])
def test_an_id_that_is_not_the_callers_changes_nothing(owner_client, make_idea, outsider, intruder):
    mine = [make_idea(stage="idea", tags=["a"]) for _ in range(3)]
    bad = {
        "foreign": lambda: IdeaFactory(user=outsider).pk,
        "missing": uuid.uuid4,
        "trashed": lambda: make_idea(trashed_at=timezone.now()).pk,
    }[intruder]()
    everyone = [*mine, *Idea.objects.filter(pk=bad)]
    before = _state(everyone)
    for action, value in [("set_stage", "draft"), ("add_tags", ["b"]), ("trash", None)]:
        response = _bulk(owner_client, [mine[0].pk, bad, mine[1].pk], action, value)
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "NOT_FOUND"
        assert error["details"] == [
            {"field": "ids[1]", "message": f"No such idea: {bad}.", "type": "not_found"}
        ]
        assert _state(everyone) == before
    assert not IdeaRevision.objects.exists()


def test_size_limit(owner_client, owner):
    ideas = Idea.objects.bulk_create([Idea(user=owner, title=f"I{n}") for n in range(500)])
    response = _bulk(owner_client, [i.pk for i in ideas], "set_priority", "low")
    assert response.status_code == 200
    assert len(response.json()["data"]["changed"]) == 500
    response = _bulk(owner_client, [*[i.pk for i in ideas], uuid.uuid4()], "set_priority", "high")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "ids"
    assert not Idea.objects.filter(priority="high").exists()
    assert _bulk(owner_client, [], "trash").status_code == 400


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("set_stage", "done"),
        ("set_stage", None),
        ("set_priority", 3),
        ("add_tags", []),
        ("add_tags", "solo"),
        ("remove_tags", ["x" * 51]),
        ("trash", "now"),
        ("explode", None),
    ],
)
def test_bad_values_are_400_and_change_nothing(owner_client, make_idea, action, value):
    idea = make_idea()
    before = _state([idea])
    response = _bulk(owner_client, [idea.pk], action, value)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert _state([idea]) == before


def test_bad_bodies_are_400(owner_client, make_idea):
    idea = make_idea()
    for body in [
        {"ids": ["nope"], "action": "trash"},
        {"ids": [str(idea.pk)]},
        {"ids": str(idea.pk), "action": "trash"},
    ]:
        assert owner_client.post(BULK, body, format="json").status_code == 400, body
    body = {"ids": [str(idea.pk)], "action": "trash", "extra": 1}
    assert owner_client.post(BULK, body, format="json").status_code == 400


def test_adding_tags_past_the_limit_is_a_conflict_and_changes_nothing(owner_client, make_idea):
    full = make_idea(tags=[f"t{n}" for n in range(19)])
    roomy = make_idea(tags=[])
    before = _state([full, roomy])
    response = _bulk(owner_client, [roomy.pk, full.pk], "add_tags", ["x", "y"])
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert str(full.pk) in response.json()["error"]["details"][0]["message"]
    assert _state([full, roomy]) == before


def test_bulk_under_the_user_id_path(owner_client, owner, outsider_client, make_idea):
    idea = make_idea()
    path = f"/api/v1/{owner.pk}/ideas/bulk/"
    assert _bulk(owner_client, [idea.pk], "set_stage", "draft", path=path).status_code == 200
    assert _bulk(outsider_client, [idea.pk], "trash", path=path).status_code == 403
    idea.refresh_from_db()
    assert (idea.stage, idea.trashed_at) == ("draft", None)


def test_query_count_does_not_grow_with_the_number_of_ideas(
    owner_client, owner, django_assert_max_num_queries
):
    few = [IdeaFactory(user=owner, tags=["a"]) for _ in range(2)]
    with CaptureQueriesContext(connection) as captured:
        _bulk(owner_client, [i.pk for i in few], "add_tags", ["b"])
    baseline = len(captured.captured_queries)
    many = [IdeaFactory(user=owner, tags=["a"]) for _ in range(60)]
    with django_assert_max_num_queries(baseline):
        assert (
            len(_bulk(owner_client, [i.pk for i in many], "add_tags", ["b"]).json()["data"]["changed"]) == 60
        )


def test_bulk_changes_respect_the_revision_bound(owner_client, make_idea, settings):
    settings.REVISIONS_KEEP = 2
    ideas = [make_idea(priority="low") for _ in range(2)]
    for priority in ("high", "low", "high", "low"):
        _bulk(owner_client, [i.pk for i in ideas], "set_priority", priority)
    for idea in ideas:
        assert list(
            IdeaRevision.objects.filter(idea=idea).order_by("number").values_list("number", flat=True)
        ) == [
            3,
            4,
        ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_changes_and_renames_are_serialised_without_deadlock(client_for, owner):
    ideas = [Idea.objects.create(user=owner, title=f"I{n}", tags=["vlog"]) for n in range(20)]
    ids = [str(i.pk) for i in ideas]
    clients = [client_for(owner) for _ in range(6)]

    def work(i: int) -> int:
        if i % 2:
            response = clients[i].post("/api/v1/tags/rename", {"from": "vlog", "to": "video"}, format="json")
            return response.status_code if response.status_code != 404 else 200  # a later rename finds none
        body = {"ids": list(reversed(ids)) if i % 4 else ids, "action": "add_tags", "value": [f"t{i}"]}
        return clients[i].post(BULK, body, format="json").status_code

    assert run_concurrently(6, work) == [200] * 6
    for idea in Idea.objects.filter(pk__in=ids):
        assert idea.tags == ["video", *[t for t in idea.tags if t.startswith("t")]]
        assert sorted(idea.tags[1:]) == ["t0", "t2", "t4"]
        assert idea.version == 5  # one rename and three tag additions, none lost
        assert IdeaRevision.objects.filter(idea=idea).count() == 4
