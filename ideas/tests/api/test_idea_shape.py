"""The hot paths' output shape: byte for byte what the declared serializers (and DRF's JSON
renderer) produce, for every kind of idea, with notes shown and withheld."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.utils import timezone as django_timezone
from rest_framework.renderers import JSONRenderer

from creatorvault.api.renderers import EnvelopeJSONRenderer
from creatorvault.api.serializers import ListPaginationSerializer
from ideas.api.serializers.fields import NOTES_VISIBLE
from ideas.api.serializers.ideas import IdeaListSerializer, IdeaSerializer, idea_list_shape, idea_shape
from ideas.models import Idea, Priority, Stage
from ideas.tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas(owner) -> list[Idea]:
    made: list[Any] = [
        IdeaFactory(user=owner),
        IdeaFactory(
            user=owner,
            title='Ünïcödé \u2028 line\u2029 "quoted" \\ back',
            notes="Notes with\nnewlines, \ttabs and emoji 🎬 \u2028",
            stage=Stage.PUBLISHED,
            tags=["alpha", "béta", "日本"],
            priority=Priority.HIGH,
            due_date=datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        ),
        IdeaFactory(
            user=owner,
            title="Due in another zone",
            due_date=datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            created_at=datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
        ),
    ]
    return [Idea.objects.get(pk=idea.pk) for idea in made]  # as the selectors load them


@pytest.mark.parametrize("notes_visible", [True, False])
def test_one_idea_is_shaped_as_the_serializer_says(ideas, notes_visible) -> None:
    for idea in ideas:
        expected = IdeaSerializer(idea, context={NOTES_VISIBLE: notes_visible}).data
        shaped = idea_shape(idea, notes_visible=notes_visible)
        assert shaped == expected
        assert list(shaped) == list(expected)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_timestamps_are_written_as_the_serializer_writes_them_in_any_current_zone(ideas, zone) -> None:
    with django_timezone.override(zone):
        for idea in ideas:
            expected = IdeaSerializer(idea, context={NOTES_VISIBLE: True}).data
            shaped = idea_shape(idea, notes_visible=True)
            assert [shaped[name] for name in ("due_date", "created_at", "updated_at")] == [
                expected[name] for name in ("due_date", "created_at", "updated_at")
            ]
    assert (zone == "UTC") == shaped["created_at"].endswith("Z")


PAGES = [
    {"total": 3, "limit": 20, "offset": 0, "has_more": False, "next_cursor": None},
    {"total": None, "limit": 2, "offset": None, "has_more": True, "next_cursor": "abc:def"},
]


@pytest.mark.parametrize("pagination", PAGES, ids=["by-offset", "by-cursor"])
@pytest.mark.parametrize("notes_visible", [True, False])
def test_a_page_renders_to_the_same_bytes(ideas, notes_visible, pagination) -> None:
    declared = IdeaListSerializer(
        {"ideas": ideas, "pagination": pagination}, context={NOTES_VISIBLE: notes_visible}
    ).data
    shaped = idea_list_shape(ideas, pagination, notes_visible=notes_visible)
    assert ListPaginationSerializer(pagination).data == shaped["pagination"]
    body = {"success": True, "data": shaped, "meta": {"request_id": "req_x", "timestamp": "t"}}
    drf = JSONRenderer().render({**body, "data": declared})
    assert EnvelopeJSONRenderer().render(body, renderer_context={"response": None}) != b""
    ours = EnvelopeJSONRenderer().render({**body}, renderer_context={"response": _Enveloped()})
    assert ours == drf
    assert b"\\u2028" in ours and "\u2028".encode() not in ours


def test_values_orjson_does_not_know_fall_back_to_drfs_encoding() -> None:
    from decimal import Decimal

    when = datetime(2030, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    data = {"big": 2**70, "decimal": Decimal("1.50"), "when": when}
    ours = EnvelopeJSONRenderer().render(data, renderer_context={"response": _Enveloped()})
    assert ours == JSONRenderer().render(data)


def test_the_api_answers_with_the_shape(owner_client, ideas) -> None:
    listed = owner_client.get("/api/v1/ideas?sort=title")
    detail = owner_client.get(f"/api/v1/ideas/{ideas[1].pk}")
    assert listed.status_code == detail.status_code == 200
    by_id = {row["id"]: row for row in listed.json()["data"]["ideas"]}
    expected = dict(IdeaSerializer(ideas[1], context={NOTES_VISIBLE: True}).data)
    assert by_id[str(ideas[1].pk)] == detail.json()["data"] == expected


class _Enveloped:
    """A response already in the envelope (as the renderer is told by `is_envelope`)."""

    status_code = 200
    is_envelope = True
