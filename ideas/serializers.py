"""Serializers of the ideas API: strict input (what a client may write) and output (what it reads).

Input and output are separate classes, so `id`, `user_id`, `version` and the timestamps can never
be written. Input refuses unknown fields and read-only fields by name, and refuses a value of the
wrong JSON type instead of coercing it (`"title": 5` is a 400, not the title "5"). Every field
rule is the one in `ideas.validation`, which the services apply again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from ideas.models import (
    NOTES_MAX_CHARS,
    TAG_MAX_CHARS,
    TAGS_MAX_COUNT,
    TITLE_MAX_CHARS,
    Idea,
    Priority,
    Stage,
)
from ideas.validation import (
    DUE_DATE_PATTERN,
    NOTES_PATTERN,
    TAG_PATTERN,
    TITLE_PATTERN,
    RuleViolation,
    clean_notes,
    clean_priority,
    clean_stage,
    clean_tag,
    clean_title,
    parse_due_date,
)

READ_ONLY_FIELDS = frozenset({"id", "user", "user_id", "version", "created_at", "updated_at"})


class RuleField(serializers.Field):
    """A field whose parsing is one rule of `ideas.validation`."""

    rule: Callable[[Any], Any]

    def to_internal_value(self, data: Any) -> Any:
        try:
            return type(self).rule(data)
        except RuleViolation as violation:
            raise serializers.ValidationError(violation.message, code=violation.code) from None

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "string",
        "pattern": TITLE_PATTERN,
        "description": f"1-{TITLE_MAX_CHARS} characters once trimmed; no control characters.",
        "example": "AI Content Tools Research",
    }
)
class TitleField(RuleField):
    """Required title, trimmed."""

    rule = staticmethod(clean_title)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": NOTES_MAX_CHARS,
        "pattern": NOTES_PATTERN,
        "description": f"Up to {NOTES_MAX_CHARS} characters; tab and newlines allowed, "
        "no other control characters.",
        "example": "Compare the top five tools on price and output quality.",
    }
)
class NotesField(RuleField):
    """Free-form notes."""

    rule = staticmethod(clean_notes)


@extend_schema_field(
    {
        "type": "string",
        "pattern": TAG_PATTERN,
        "description": f"1-{TAG_MAX_CHARS} characters once trimmed; stored lower-cased.",
        "example": "research",
    }
)
class TagField(RuleField):
    """One tag, normalised."""

    rule = staticmethod(clean_tag)


@extend_schema_field({"type": "string", "enum": list(Stage.values)})
class StageField(RuleField):
    """A pipeline stage (strings only)."""

    rule = staticmethod(clean_stage)


@extend_schema_field({"type": "string", "enum": list(Priority.values)})
class PriorityField(RuleField):
    """A priority (strings only)."""

    rule = staticmethod(clean_priority)


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": DUE_DATE_PATTERN,
        "nullable": True,
        "description": "RFC 3339 date-time with a timezone (years 1000-9998), stored and returned in UTC; "
        "null for none.",
        "example": "2026-02-01T09:00:00Z",
    }
)
class DueDateField(RuleField):
    """An aware date-time, converted to UTC; null clears it."""

    rule = staticmethod(parse_due_date)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, **kwargs)


class StrictInputSerializer(serializers.Serializer):
    """A body serializer that refuses fields it does not declare, naming each one."""

    def to_internal_value(self, data: Any) -> Any:
        extra: dict[str, list[ErrorDetail]] = {}
        if isinstance(data, Mapping):
            for key in data:
                if key in self.fields:
                    continue
                if key in READ_ONLY_FIELDS:
                    extra[str(key)] = [ErrorDetail("This field is read-only.", code="read_only")]
                else:
                    extra[str(key)] = [ErrorDetail("Unknown field.", code="unknown_field")]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if extra and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **extra}) from None
            raise
        if extra:
            raise serializers.ValidationError(extra)
        return value


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
        return list(dict.fromkeys(value))


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
    """An idea as the API returns it (SPEC §3, plus `version`, the value of its ETag)."""

    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
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


class PaginationSerializer(serializers.Serializer):
    """Where a page sits in the whole list."""

    total = serializers.IntegerField(min_value=0)
    limit = serializers.IntegerField(min_value=1)
    offset = serializers.IntegerField(min_value=0)
    has_more = serializers.BooleanField()


class IdeaListSerializer(serializers.Serializer):
    """A page of ideas."""

    ideas = IdeaSerializer(many=True)
    pagination = PaginationSerializer()


class TagCountSerializer(serializers.Serializer):
    """A tag and how many of the caller's ideas carry it."""

    tag = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


class TagListSerializer(serializers.Serializer):
    """The caller's tags, most used first."""

    tags = TagCountSerializer(many=True)
