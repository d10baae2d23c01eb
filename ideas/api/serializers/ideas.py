"""Serializers of an idea: strict input (what a client may write) and output (what it reads).

Input and output are separate classes, so `id`, `user_id`, `version` and the timestamps can never
be written. Input refuses unknown fields and read-only fields by name (`StrictInputSerializer`),
and every field rule is the one in `ideas.rules`, which the services apply again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

import orjson
from django.utils import timezone
from rest_framework import serializers

from creatorvault.api.serializers import ListPaginationSerializer, StrictInputSerializer
from ideas.api.serializers.fields import (
    DueDateField,
    NotesField,
    NotesWithheldField,
    PriorityField,
    StageField,
    TagField,
    TitleField,
    VisibleNotesField,
)
from ideas.models import TAGS_MAX_COUNT, Idea, Priority, Stage
from ideas.rules import (
    RuleViolation,
    clean_notes,
    clean_priority,
    clean_stage,
    clean_tag,
    clean_title,
    parse_due_date,
    unique_tags,
)


class IdeaWriteSerializer(StrictInputSerializer):
    """Body of create (POST) and full update (PUT); PATCH uses it with `partial=True`.

    On PUT an omitted optional field is reset to its default: PUT replaces the whole idea.
    """

    title = TitleField()
    notes = NotesField(required=False, default="")
    stage = StageField(required=False, default=Stage.IDEA.value)
    tags = serializers.ListField(
        child=TagField(),
        required=False,
        default=list,
        max_length=TAGS_MAX_COUNT,
        help_text=f"At most {TAGS_MAX_COUNT} tags; trimmed, lower-cased, de-duplicated, order kept.",
    )
    priority = PriorityField(required=False, default=Priority.MEDIUM.value)
    due_date = DueDateField(required=False, default=None)

    def validate_tags(self, value: list[str]) -> list[str]:
        """Drop duplicates (after normalisation), keeping the first occurrence's position."""
        return unique_tags(value)


_WRITE_FIELDS = frozenset(IdeaWriteSerializer._declared_fields)


_MISSING = object()

#: The optional fields of a write body: (name, rule, default when omitted), as IdeaWriteSerializer
#: declares them.
_OPTIONAL_RULES: tuple[tuple[str, Callable[[Any], Any], Any], ...] = (
    ("notes", clean_notes, ""),
    ("stage", clean_stage, Stage.IDEA.value),
    ("priority", clean_priority, Priority.MEDIUM.value),
)


def _well_formed_write(data: Any) -> dict[str, Any] | None:
    """What `IdeaWriteSerializer` validates `data` to, when it is a well-formed full body; else None.

    The same rules on the same values, without DRF's per-field machinery (a deep copy of every
    declared field per request, then a chain of calls per field): a create is a hot path. Anything
    that is not plainly valid (an unknown or read-only field, a null, a value a rule refuses, a
    non-JSON body) is None, and the serializer itself answers it, with its errors.
    """
    if type(data) is not dict or not data.keys() <= _WRITE_FIELDS:
        return None
    title = data.get("title")
    tags = data.get("tags", _MISSING)
    due_date = data.get("due_date")
    try:
        if title is None:
            return None
        validated: dict[str, Any] = {"title": clean_title(title)}
        for name, rule, default in _OPTIONAL_RULES:
            value = data.get(name, _MISSING)
            if value is None:
                return None
            validated[name] = default if value is _MISSING else rule(value)
        if tags is _MISSING:
            validated["tags"] = []
        elif type(tags) is not list or len(tags) > TAGS_MAX_COUNT or None in tags:
            return None
        else:
            validated["tags"] = unique_tags([clean_tag(tag) for tag in tags])
        validated["due_date"] = None if due_date is None else parse_due_date(due_date)
    except RuleViolation:
        return None
    return validated


def idea_write_data(data: Any) -> dict[str, Any]:
    """The validated body of a create: `IdeaWriteSerializer`'s `validated_data`, or its 400.

    A well-formed body takes a short path to the same values (`_well_formed_write`); every other
    body, and so every error, goes through the serializer.
    """
    validated = _well_formed_write(data)
    if validated is not None:
        return validated
    serializer = IdeaWriteSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class IdeaStageSerializer(StrictInputSerializer):
    """Body of `PATCH /ideas/{id}/stage`: always complete, although the method is PATCH."""

    stage = StageField()

    # PATCH bodies are partial by default (in DRF and in the OpenAPI document drf-spectacular
    # derives); this one is not: `stage` is required, so the serializer is never partial.
    @property  # type: ignore[override]
    def partial(self) -> bool:
        """Never partial."""
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


class IdeaSerializer(serializers.Serializer):
    """An idea as the API returns it (SPEC §3, plus `version`, the value of its ETag).

    For a personal access token without `notes:read`, the notes are withheld:
    `"notes": null, "notes_withheld": true` (never opened on the server either).
    """

    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    notes = VisibleNotesField()
    notes_withheld = NotesWithheldField()
    stage = StageField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    priority = PriorityField(read_only=True)
    due_date = serializers.DateTimeField(read_only=True, allow_null=True)
    user_id = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, min_value=1, help_text='Grows by one on every write; the ETag is `"<version>"`.'
    )

    class Meta:
        model = Idea


class IdeaListSerializer(serializers.Serializer):
    """A page of ideas."""

    ideas = IdeaSerializer(many=True)
    pagination = ListPaginationSerializer()


# --- Hot paths: the same output without DRF's per-field machinery --------------------------------
# `IdeaSerializer` stays the declaration (the OpenAPI document is generated from it); `idea_shape`
# produces exactly what `IdeaSerializer(idea).data` does, field by field and in the same order, at
# a fraction of the cost (ideas.tests.api.test_idea_shape holds the two to the same bytes).


def _datetime(value: datetime | None, zone: tzinfo) -> str | None:
    """As DRF's `DateTimeField` with `DATETIME_FORMAT = "iso-8601"`: in `zone`, `Z` for UTC.

    A UTC value (as the database loads every timestamp) in a UTC zone (the settings' default) is
    written by orjson, in C: the same text as `isoformat()` with `Z` (microseconds only when not
    zero), a third of its cost; 3 per idea, 60 per list page.
    """
    if value is None:
        return None
    if value.tzinfo is UTC and (zone is UTC or getattr(zone, "key", None) == "UTC"):
        return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def idea_shape(idea: Idea, *, notes_visible: bool, zone: tzinfo | None = None) -> dict[str, Any]:
    """One idea as the API returns it: `IdeaSerializer(idea, context=...).data`, byte for byte.

    Notes are opened only when `notes_visible` (otherwise `null` and `notes_withheld: true`).
    `zone` is the current time zone (DRF's), looked up once per page by `idea_list_shape`.
    """
    zone = zone or timezone.get_current_timezone()
    return {
        "id": str(idea.id),
        "title": str(idea.title),
        "notes": str(idea.notes) if notes_visible else None,
        "notes_withheld": not notes_visible,
        "stage": idea.stage,
        "tags": [str(tag) if tag is not None else None for tag in idea.tags],
        "priority": idea.priority,
        "due_date": _datetime(idea.due_date, zone),
        "user_id": str(idea.user_id),
        "created_at": _datetime(idea.created_at, zone),
        "updated_at": _datetime(idea.updated_at, zone),
        "version": int(idea.version),
    }


def idea_list_shape(ideas: list[Idea], pagination: dict[str, Any], *, notes_visible: bool) -> dict[str, Any]:
    """A page of ideas: `IdeaListSerializer({"ideas": ..., "pagination": ...}).data`, byte for byte."""
    zone = timezone.get_current_timezone()
    return {
        "ideas": [idea_shape(idea, notes_visible=notes_visible, zone=zone) for idea in ideas],
        "pagination": {
            "total": _int_or_none(pagination["total"]),
            "limit": int(pagination["limit"]),
            "offset": _int_or_none(pagination["offset"]),
            "has_more": bool(pagination["has_more"]),
            "next_cursor": None if pagination["next_cursor"] is None else str(pagination["next_cursor"]),
        },
    }


def _int_or_none(value: Any) -> int | None:
    """As a nullable `IntegerField` (a page fetched by cursor has no `total` nor `offset`)."""
    return None if value is None else int(value)
