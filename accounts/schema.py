"""OpenAPI description of the `/users/me` request body, exactly as strict as the server.

`PATCH /users/me` refuses any field but `name`, and a name that is blank once trimmed or holds a
control character; the document says so, so a schema-valid body is never refused.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension

from accounts.serializers import NAME_MAX_LENGTH
from ideas.validation import trimmed_pattern


class UserProfileUpdateSerializerExtension(OpenApiSerializerExtension):
    """`additionalProperties: false`, and the trimmed, control-character-free `name` pattern."""

    target_class = "accounts.serializers.UserProfileUpdateSerializer"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        name = schema["properties"]["name"]
        # The length limits apply after trimming, which only the pattern can say.
        name.pop("minLength", None)
        name.pop("maxLength", None)
        name["pattern"] = trimmed_pattern(NAME_MAX_LENGTH)
        return schema
