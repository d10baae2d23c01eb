"""Input serializers as strict as the API: unknown fields refused by name, no silent type coercion.

Every request body is parsed by a `StrictInputSerializer`: a field the serializer does not declare
is a 400 naming it (never silently dropped), so a typo or an attempt to write `id` or `user_id` is
visible to the client. The OpenAPI document says the same (`additionalProperties: false`, see
`creatorvault.api.openapi`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from creatorvault.text import has_control_chars


class StrictInputSerializer(serializers.Serializer):
    """A body serializer that refuses fields it does not declare, naming each one.

    Fields listed in `read_only_names` (the server-managed fields of a resource) are refused as
    read-only, any other undeclared field as `unknown_message`.
    """

    read_only_names: frozenset[str] = frozenset(
        {"id", "user", "user_id", "version", "created_at", "updated_at"}
    )
    unknown_message = ("Unknown field.", "unknown_field")

    def to_internal_value(self, data: Any) -> Any:
        """Validate the declared fields; refuse every other field of `data`, merged into one error."""
        extra: dict[str, list[ErrorDetail]] = {}
        if isinstance(data, Mapping):
            for key in data:
                if key in self.fields:
                    continue
                if key in self.read_only_names:
                    extra[str(key)] = [ErrorDetail("This field is read-only.", code="read_only")]
                else:
                    message, code = self.unknown_message
                    extra[str(key)] = [ErrorDetail(message, code=code)]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if extra and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **extra}) from None
            raise
        if extra:
            raise serializers.ValidationError(extra)
        return value


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data: Any) -> str:
        """Accept only JSON strings."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """An IntegerField that refuses strings, booleans and floats instead of turning them into numbers."""

    def to_internal_value(self, data: Any) -> int:
        """Accept only JSON integers."""
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class TrimmedLineField(StrictCharField):
    """One line of text, 1..max_length characters once trimmed, no control characters.

    Documented with a pattern (`creatorvault.text.trimmed_pattern`), since the length limits apply
    after trimming.
    """

    default_error_messages = {"control_characters": "Must not contain control characters."}

    def to_internal_value(self, data: Any) -> str:
        """The trimmed text; control characters refused, also where trimming would drop them.

        The published pattern allows only non-control whitespace at the edges, so `"\\nAda"` is
        refused as the schema says, not quietly trimmed.
        """
        if isinstance(data, str) and has_control_chars(data):
            self.fail("control_characters")
        text = super().to_internal_value(data)
        if has_control_chars(text):
            self.fail("control_characters")
        return text


class PaginationSerializer(serializers.Serializer):
    """Where a page sits in the whole list."""

    total = serializers.IntegerField(min_value=0)
    limit = serializers.IntegerField(min_value=1)
    offset = serializers.IntegerField(min_value=0)
    has_more = serializers.BooleanField()


class ListPaginationSerializer(serializers.Serializer):
    """Where a page of a list served by offset or by cursor sits (`creatorvault.api.pagination.list_page`)."""

    total = serializers.IntegerField(
        min_value=0,
        allow_null=True,
        help_text="How many items the list holds; null on a page fetched by `cursor`.",
    )
    limit = serializers.IntegerField(min_value=1)
    offset = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="The offset of this page; null on a page fetched by `cursor`."
    )
    has_more = serializers.BooleanField()
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Send as `cursor` to get the page after this one (stays right while items are added "
        "or removed); null on the last page.",
    )


class CursorPaginationSerializer(serializers.Serializer):
    """Where a cursor-paginated page leads: the cursor of the next page, if any."""

    limit = serializers.IntegerField(min_value=1)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Send as `cursor` to get the next page; null on the last page."
    )
    has_more = serializers.BooleanField()
