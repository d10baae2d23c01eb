"""Serializer fields of an idea's content: each parses with one rule of `ideas.rules`.

A value of the wrong JSON type is refused instead of coerced (`"title": 5` is a 400, not the title
"5"); each field's OpenAPI description states exactly the rule it applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ideas.models import NOTES_MAX_CHARS, TAG_MAX_CHARS, TITLE_MAX_CHARS, Priority, Stage
from ideas.rules import (
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


class RuleField(serializers.Field):
    """A field whose parsing is one rule of `ideas.rules`."""

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


# --- Notes in responses: shown only to callers allowed to read them --------------------------------

#: Serializer context key: whether the caller may read notes (`notes:read`, or full access).
NOTES_VISIBLE = "notes_visible"


def notes_visible(context: dict[str, Any]) -> bool:
    """Whether a serializer with `context` shows notes. Unsaid means no: privacy fails closed."""
    return bool(context.get(NOTES_VISIBLE, False))


class VisibleNotesField(serializers.CharField):
    """An idea's (or revision's) notes; null, and never even opened, when the caller may not read them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            read_only=True,
            allow_null=True,
            help_text="The notes (may be empty). `null` when withheld: the token lacks `notes:read`.",
            **kwargs,
        )

    def get_attribute(self, instance: Any) -> Any:
        """The notes, or None without reading (so without unsealing) them."""
        if not notes_visible(self.context):
            return None
        return super().get_attribute(instance)


class NotesWithheldField(serializers.BooleanField):
    """Whether `notes` was withheld from this caller (`true` exactly when `notes` is null)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            read_only=True,
            help_text="`true` when `notes` is withheld (`null`) because the personal access token "
            "lacks the `notes:read` scope; `false` otherwise.",
            **kwargs,
        )

    def get_attribute(self, instance: Any) -> bool:
        """Computed from the context, not from the instance."""
        return not notes_visible(self.context)
