"""Shapes of `/api/v1/users/me`: one serializer out, one in (so ids and timestamps stay read-only)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from accounts.models import User

NAME_MAX_LENGTH = User._meta.get_field("name").max_length or 255


class UserSerializer(serializers.ModelSerializer[User]):
    """The caller's profile as the API shows it."""

    class Meta:
        model = User
        fields = ("id", "email", "name", "created_at", "updated_at")
        read_only_fields = fields


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data: Any) -> str:
        """Accept only JSON strings."""
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class UserProfileUpdateSerializer(serializers.Serializer[Any]):
    """`PATCH /users/me` body: only `name` may change; any other field is a 400."""

    name = StrictCharField(
        max_length=NAME_MAX_LENGTH,
        required=False,
        allow_blank=False,
        trim_whitespace=True,
        help_text="Display name, 1–255 characters after trimming.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Refuse fields other than `name` instead of silently ignoring them."""
        if isinstance(data, Mapping):
            unknown = sorted(str(field) for field in data if field not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {
                        field: [ErrorDetail("This field cannot be changed here.", code="read_only")]
                        for field in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate_name(self, value: str) -> str:
        """Names are text: no control characters."""
        if any(unicodedata.category(char) == "Cc" for char in value):
            raise serializers.ValidationError("Name must not contain control characters.", code="invalid")
        return value
