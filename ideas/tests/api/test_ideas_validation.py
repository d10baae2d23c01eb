"""Every field rule of SPEC §2, with field-level details; bad input is a 400, never a 500."""

from __future__ import annotations

import pytest

from ideas.models import Idea
from ideas.tests.helpers import detail_url

pytestmark = pytest.mark.django_db


def post(client, body, **extra):
    return client.post("/api/v1/ideas", body, format="json", **extra)


def assert_400(response, field: str, error_type: str | None = None) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    fields = {d["field"]: d["type"] for d in error["details"]}
    assert field in fields, error
    if error_type:
        assert fields[field] == error_type, error


INVALID_BODIES = [
    ({}, "title", "required"),
    ({"title": ""}, "title", "blank"),
    ({"title": "   "}, "title", "blank"),
    ({"title": "x" * 201}, "title", "max_length"),
    ({"title": "a\x00b"}, "title", "control_characters"),
    ({"title": "line\nbreak"}, "title", "control_characters"),
    ({"title": "tab\there"}, "title", "control_characters"),
    ({"title": "del\x7f"}, "title", "control_characters"),
    ({"title": "c1\x85"}, "title", "control_characters"),
    ({"title": None}, "title", "null"),
    ({"title": 5}, "title", "invalid"),
    ({"title": ["x"]}, "title", "invalid"),
    ({"title": "x", "notes": "n" * 5001}, "notes", "max_length"),
    ({"title": "x", "notes": "a\x00b"}, "notes", "control_characters"),
    ({"title": "x", "notes": "bell\x07"}, "notes", "control_characters"),
    ({"title": "x", "notes": None}, "notes", "null"),
    ({"title": "x", "notes": 1}, "notes", "invalid"),
    ({"title": "x", "tags": "blog"}, "tags", "not_a_list"),
    ({"title": "x", "tags": {"a": 1}}, "tags", "not_a_list"),
    ({"title": "x", "tags": None}, "tags", "null"),
    ({"title": "x", "tags": [f"t{i}" for i in range(21)]}, "tags", "max_length"),
    ({"title": "x", "tags": ["t" * 51]}, "tags.0", "max_length"),
    ({"title": "x", "tags": ["ok", "  "]}, "tags.1", "blank"),
    ({"title": "x", "tags": [""]}, "tags.0", "blank"),
    ({"title": "x", "tags": ["a\x00"]}, "tags.0", "control_characters"),
    ({"title": "x", "tags": [1]}, "tags.0", "invalid"),
    ({"title": "x", "tags": [None]}, "tags.0", "null"),
    ({"title": "x", "stage": "done"}, "stage", "invalid_choice"),
    ({"title": "x", "stage": "IDEA"}, "stage", "invalid_choice"),
    ({"title": "x", "stage": 1}, "stage", "invalid_choice"),
    ({"title": "x", "stage": None}, "stage", "null"),
    ({"title": "x", "priority": "urgent"}, "priority", "invalid_choice"),
    ({"title": "x", "priority": ["high"]}, "priority", "invalid_choice"),
    ({"title": "x", "due_date": "tomorrow"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "2026-01-04T10:30:00"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "2026-01-04"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "2026-02-30T10:30:00Z"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "0001-01-01T00:00:00+05:00"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "9999-12-31T23:00:00-05:00"}, "due_date", "invalid"),
    ({"title": "x", "due_date": "2026-01-04 10:30:00Z"}, "due_date", "invalid"),
    ({"title": "x", "due_date": 1767522600}, "due_date", "invalid"),
    ({"title": "x", "due_date": "2026-01-04T10:30:00\x00Z"}, "due_date", "invalid"),
    ({"title": "x", "colour": "red"}, "colour", "unknown_field"),
]


@pytest.mark.parametrize(("body", "field", "error_type"), INVALID_BODIES)
def test_invalid_bodies_are_400_with_field_details(owner_client, body, field, error_type):
    response = post(owner_client, body)
    assert_400(response, field, error_type)
    assert not Idea.objects.exists()


@pytest.mark.parametrize("field", ["id", "user_id", "user", "version", "created_at", "updated_at"])
def test_read_only_fields_are_refused_by_name(owner_client, make_idea, field):
    assert_400(post(owner_client, {"title": "x", field: "2026-01-04T10:30:00Z"}), field, "read_only")
    idea = make_idea()
    assert_400(owner_client.patch(detail_url(idea), {field: 1}, format="json"), field, "read_only")
    assert_400(
        owner_client.put(detail_url(idea), {"title": "x", field: 1}, format="json"), field, "read_only"
    )
    idea.refresh_from_db()
    assert idea.version == 1


def test_unknown_and_bad_fields_are_all_reported(owner_client):
    response = post(owner_client, {"title": "", "bogus": 1, "id": "x", "stage": "nope"})
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"title", "bogus", "id", "stage"}


@pytest.mark.parametrize("field", ["title", "notes", "tags", "stage", "priority", "due_date"])
def test_nul_byte_in_any_string_is_400_not_a_database_error(owner_client, make_idea, field):
    value = ["a\x00"] if field == "tags" else "a\x00"
    body = {"title": "ok", field: value}
    assert post(owner_client, body).status_code == 400
    idea = make_idea()
    assert owner_client.patch(detail_url(idea), {field: value}, format="json").status_code == 400


@pytest.mark.parametrize(
    ("body", "message_part"),
    [
        (b"{not json", "Malformed"),
        (b"[1, 2]", "dictionary"),
        (b'"title"', "dictionary"),
        (b"null", ""),
        (b'{"title": NaN}', "Malformed"),
        (b'{"title": "\\ud800"}', ""),
        (b"\xff\xfe", "Malformed"),
    ],
)
def test_malformed_bodies_are_400(owner_client, body, message_part):
    response = owner_client.generic("POST", "/api/v1/ideas", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert message_part in response.json()["error"]["message"]


def test_non_json_content_type_is_400(owner_client):
    response = owner_client.post("/api/v1/ideas", {"title": "x"})  # multipart form
    assert response.status_code == 400


def test_oversized_body_is_413(owner_client, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = post(owner_client, {"title": "x", "notes": "n" * 2000})
    assert response.status_code == 413


def test_values_are_normalised(owner_client):
    data = post(
        owner_client,
        {
            "title": "\u00a0 Padded title \u2003",
            "notes": "  Line one\n\tLine two\r\n",
            "tags": [" Blog ", "blog", "BLOG", "Video", "İstanbul"],
            "due_date": "2026-06-01t12:00:00.5-04:00",
        },
    ).json()["data"]
    assert data["title"] == "Padded title"
    assert data["notes"] == "  Line one\n\tLine two\r\n"
    assert data["tags"] == ["blog", "video", "İstanbul"]
    assert data["due_date"] == "2026-06-01T16:00:00.500000Z"


def test_limits_are_inclusive(owner_client):
    body = {
        "title": "  " + "t" * 200 + "  ",
        "notes": "n" * 5000,
        "tags": [f"{i:02d}" + "x" * 48 for i in range(20)],
    }
    response = post(owner_client, body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert len(data["title"]) == 200
    assert len(data["tags"]) == 20


def test_patch_null_title_is_refused(owner_client, make_idea):
    idea = make_idea(title="Keep")
    assert_400(owner_client.patch(detail_url(idea), {"title": None}, format="json"), "title", "null")
    idea.refresh_from_db()
    assert idea.title == "Keep"


def test_services_apply_the_same_rules(owner):
    from creatorvault.errors import ValidationFailed
    from ideas.services.ideas import idea_create

    with pytest.raises(ValidationFailed) as caught:
        idea_create(owner=owner, title=" ", tags=["a\x00"])
    assert {d["field"] for d in caught.value.details} == {"title", "tags"}
    idea = idea_create(owner=owner, title=" T ", tags=["A", "a"])
    assert (idea.title, idea.tags) == ("T", ["a"])


# --- A well-formed create body takes a short path to the serializer's own values -------------------

WELL_FORMED_BODIES = [
    {"title": "x"},
    {"title": "Side by side idea", "notes": "A short note", "tags": ["video", "bench"], "priority": "high"},
    {
        "title": "\u00a0 Padded title \u2003",
        "notes": "  Line one\n\tLine two\r\n",
        "tags": [" Blog ", "blog", "BLOG", "Video", "İstanbul"],
        "due_date": "2026-06-01t12:00:00.5-04:00",
        "stage": "draft",
    },
    {"title": "x", "notes": "", "tags": [], "stage": "published", "priority": "low", "due_date": None},
    {
        "title": "  " + "t" * 200 + "  ",
        "notes": "n" * 5000,
        "tags": [f"{i:02d}" + "x" * 48 for i in range(20)],
    },
]


@pytest.mark.parametrize("body", WELL_FORMED_BODIES)
def test_a_well_formed_body_takes_the_short_path_to_the_serializers_values(body):
    from ideas.api.serializers.ideas import IdeaWriteSerializer, _well_formed_write

    serializer = IdeaWriteSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert _well_formed_write(body) == dict(serializer.validated_data)


@pytest.mark.parametrize(
    "body",
    [
        *(body for body, _, _ in INVALID_BODIES),
        *({"title": "x", field: 1} for field in ["id", "user_id", "user", "version", "created_at"]),
        {"title": "", "bogus": 1, "id": "x", "stage": "nope"},
        [{"title": "x"}],
        "title",
        None,
    ],
)
def test_every_refused_body_is_left_to_the_serializer_and_its_errors(body):
    from ideas.api.serializers.ideas import IdeaWriteSerializer, _well_formed_write

    assert not IdeaWriteSerializer(data=body).is_valid()
    assert _well_formed_write(body) is None
