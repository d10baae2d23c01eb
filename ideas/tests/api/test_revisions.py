"""Revision history: every content change keeps the previous state; list, show, restore, retention."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas.models import Idea, IdeaRevision
from ideas.tests.helpers import KEY_NEW, KEY_OLD, detail_url, raw_rows

pytestmark = pytest.mark.django_db

ORIGINAL: dict[str, Any] = {
    "title": "Original title",
    "notes": "Original notes",
    "stage": "idea",
    "tags": ["blog"],
    "priority": "medium",
    "due_date": None,
}


def _create(client, **fields: Any) -> dict[str, Any]:
    response = client.post("/api/v1/ideas", {**ORIGINAL, **fields}, format="json")
    assert response.status_code == 201
    return response.json()["data"]


def _revisions(client, idea_id: str, **query: Any) -> dict[str, Any]:
    response = client.get(detail_url(idea_id, suffix="/revisions"), query)
    assert response.status_code == 200, response.content
    return response.json()["data"]


@pytest.mark.parametrize(
    ("field", "new_value"),
    [
        ("title", "New title"),
        ("notes", "New notes"),
        ("stage", "draft"),
        ("tags", ["video"]),
        ("priority", "high"),
        ("due_date", "2026-03-01T09:00:00Z"),
    ],
)
def test_each_kind_of_change_keeps_the_previous_state(owner_client, field, new_value):
    idea = _create(owner_client)
    if field == "stage":
        response = owner_client.patch(
            detail_url(idea["id"], suffix="/stage"), {"stage": new_value}, format="json"
        )
    else:
        response = owner_client.patch(detail_url(idea["id"]), {field: new_value}, format="json")
    assert response.status_code == 200
    assert response.json()["data"][field] == new_value

    data = _revisions(owner_client, idea["id"])
    assert data["pagination"]["total"] == 1
    (revision,) = data["revisions"]
    assert {name: revision[name] for name in ORIGINAL} == ORIGINAL
    assert revision["rev"] == 1
    assert revision["version"] == 1
    assert revision["idea_id"] == idea["id"]
    assert revision["changed_fields"] == [field]
    assert revision["saved_at"] == idea["updated_at"]
    assert revision["replaced_at"] == response.json()["data"]["updated_at"]


def test_a_write_that_changes_no_content_keeps_no_revision(owner_client):
    idea = _create(owner_client)
    owner_client.patch(detail_url(idea["id"]), {"title": ORIGINAL["title"], "tags": ["BLOG"]}, format="json")
    owner_client.put(detail_url(idea["id"]), ORIGINAL, format="json")
    assert _revisions(owner_client, idea["id"])["revisions"] == []


def test_no_folding_every_change_is_its_own_revision(owner_client):
    idea = _create(owner_client)
    for n in range(3):
        owner_client.patch(detail_url(idea["id"]), {"title": f"Rapid {n}"}, format="json")
    data = _revisions(owner_client, idea["id"])
    assert [r["rev"] for r in data["revisions"]] == [3, 2, 1]  # newest first
    assert [r["title"] for r in data["revisions"]] == ["Rapid 1", "Rapid 0", "Original title"]


def test_revisions_are_paginated_and_shown_one_by_one(owner_client):
    idea = _create(owner_client)
    for n in range(5):
        owner_client.patch(detail_url(idea["id"]), {"title": f"T{n}"}, format="json")
    page = _revisions(owner_client, idea["id"], limit=2, offset=1)
    assert [r["rev"] for r in page["revisions"]] == [4, 3]
    assert page["pagination"].pop("next_cursor")
    assert page["pagination"] == {"total": 5, "limit": 2, "offset": 1, "has_more": True}
    one = owner_client.get(detail_url(idea["id"], suffix="/revisions/3/"))
    assert one.status_code == 200
    assert one.json()["data"]["title"] == "T1"
    for missing in ("6", "0", "abc", "99999999999999999999"):
        response = owner_client.get(detail_url(idea["id"], suffix=f"/revisions/{missing}"))
        assert response.status_code == 404, missing
    assert owner_client.get(detail_url(idea["id"], suffix="/revisions"), {"page": 2}).status_code == 400


def test_restore_makes_a_revision_current_as_a_new_revision(owner_client):
    idea = _create(owner_client)
    owner_client.put(
        detail_url(idea["id"]),
        {"title": "Rewritten", "notes": "Other", "stage": "published", "tags": [], "priority": "low"},
        format="json",
    )
    response = owner_client.post(detail_url(idea["id"], suffix="/revisions/1/restore"), HTTP_IF_MATCH='"2"')
    assert response.status_code == 200
    data = response.json()["data"]
    assert {name: data[name] for name in ORIGINAL} == ORIGINAL
    assert data["version"] == 3
    assert response["ETag"] == '"3"'
    revisions = _revisions(owner_client, idea["id"])["revisions"]
    assert [r["rev"] for r in revisions] == [2, 1]
    assert revisions[0]["title"] == "Rewritten"  # the content the restore replaced
    assert revisions[0]["version"] == 2


def test_restore_honours_if_match(owner_client):
    idea = _create(owner_client)
    owner_client.patch(detail_url(idea["id"]), {"title": "Second"}, format="json")
    response = owner_client.post(detail_url(idea["id"], suffix="/revisions/1/restore"), HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    assert Idea.objects.get(pk=idea["id"]).title == "Second"
    assert IdeaRevision.objects.filter(idea_id=idea["id"]).count() == 1


def test_retention_keeps_only_the_newest_revisions(owner_client, settings):
    settings.REVISIONS_KEEP = 3
    idea = _create(owner_client)
    for n in range(6):
        owner_client.patch(detail_url(idea["id"]), {"title": f"T{n}"}, format="json")
    data = _revisions(owner_client, idea["id"])
    assert [r["rev"] for r in data["revisions"]] == [6, 5, 4]
    assert data["pagination"]["total"] == 3
    assert IdeaRevision.objects.filter(idea_id=idea["id"]).count() == 3
    assert owner_client.get(detail_url(idea["id"], suffix="/revisions/1")).status_code == 404


def test_revision_notes_are_sealed_at_rest(owner, client_for, sealing_keys):
    client = client_for(owner)
    secret = "Interview Zanzibar beekeepers about quokka honeycomb"
    idea = _create(client, notes=secret)
    client.patch(detail_url(idea["id"]), {"notes": "replaced"}, format="json")
    ((sealed, key_id),) = raw_rows("SELECT notes_sealed, notes_key_id FROM ideas_idearevision")
    assert sealed.startswith("v1:k2025:")
    assert key_id == "k2025"
    for word in ("zanzibar", "beekeepers", "quokka", "honeycomb"):
        assert word not in sealed.lower()
    every_column = " ".join(
        str(value) for row in raw_rows("SELECT * FROM ideas_idearevision") for value in row
    )
    assert "quokka" not in every_column.lower()
    assert _revisions(client, idea["id"])["revisions"][0]["notes"] == secret
    # Bound to the idea and owner like live notes: moved onto another idea, it does not open.
    other = _create(client)
    revision = IdeaRevision.objects.get()
    IdeaRevision.objects.filter(pk=revision.pk).update(idea_id=other["id"])
    assert client.get(detail_url(other["id"], suffix="/revisions/1")).status_code == 500


def test_revisions_of_a_trashed_idea_are_404_and_come_back_with_it(owner_client):
    idea = _create(owner_client)
    owner_client.patch(detail_url(idea["id"]), {"title": "Second"}, format="json")
    owner_client.delete(detail_url(idea["id"]))
    assert owner_client.get(detail_url(idea["id"], suffix="/revisions")).status_code == 404
    assert owner_client.get(detail_url(idea["id"], suffix="/revisions/1")).status_code == 404
    assert owner_client.post(detail_url(idea["id"], suffix="/revisions/1/restore")).status_code == 404
    owner_client.post(f"/api/v1/trash/{idea['id']}/restore")
    assert _revisions(owner_client, idea["id"])["pagination"]["total"] == 1


def test_revisions_under_the_user_id_path(owner_client, owner, outsider_client):
    idea = _create(owner_client)
    owner_client.patch(detail_url(idea["id"]), {"title": "Second"}, format="json")
    base = detail_url(idea["id"], user_id=owner.pk)
    assert owner_client.get(f"{base}/revisions/").json()["data"]["pagination"]["total"] == 1
    assert owner_client.get(f"{base}/revisions/1").json()["data"]["title"] == ORIGINAL["title"]
    restored = owner_client.post(f"{base}/revisions/1/restore/")
    assert restored.json()["data"]["title"] == ORIGINAL["title"]
    assert outsider_client.get(f"{base}/revisions").status_code == 403


def test_revision_list_query_count_does_not_grow(owner_client, django_assert_max_num_queries):
    idea = _create(owner_client)
    owner_client.patch(detail_url(idea["id"]), {"title": "T"}, format="json")
    with CaptureQueriesContext(connection) as few:
        owner_client.get(detail_url(idea["id"], suffix="/revisions"))
    baseline = len(few.captured_queries)  # read now: the next request resets Django's query log
    for n in range(15):
        owner_client.patch(detail_url(idea["id"]), {"title": f"T{n}"}, format="json")
    with django_assert_max_num_queries(baseline):
        assert len(_revisions(owner_client, idea["id"])["revisions"]) == 16


def test_key_rotation_reseals_revision_notes(owner, client_for, sealing_keys, settings):
    client = client_for(owner)
    idea = _create(client, notes="ocelot first draft")
    client.patch(detail_url(idea["id"]), {"notes": "second draft"}, format="json")
    settings.ENCRYPTION_KEYS = [KEY_NEW, KEY_OLD]
    call_command("rotate_encryption_key", stdout=StringIO())
    settings.ENCRYPTION_KEYS = [KEY_NEW]  # the old key is gone: revisions must still open
    ((sealed, key_id),) = raw_rows("SELECT notes_sealed, notes_key_id FROM ideas_idearevision")
    assert (sealed.split(":")[1], key_id) == ("k2026", "k2026")
    assert _revisions(client, idea["id"])["revisions"][0]["notes"] == "ocelot first draft"
