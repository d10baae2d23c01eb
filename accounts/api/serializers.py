"""Shapes of `/api/v1/users/me`: one serializer out, one in (so ids and timestamps stay read-only)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import NAME_MAX_LENGTH, User
from creatorvault.api.serializers import StrictInputSerializer, TrimmedLineField


class UserSerializer(serializers.ModelSerializer[User]):
    """The caller's profile as the API shows it."""

    class Meta:
        model = User
        fields = ("id", "email", "name", "created_at", "updated_at")
        read_only_fields = fields


class UserProfileUpdateSerializer(StrictInputSerializer):
    """`PATCH /users/me` body: only `name` may change; any other field is a 400."""

    unknown_message = ("This field cannot be changed here.", "read_only")

    name = TrimmedLineField(
        max_length=NAME_MAX_LENGTH,
        required=False,
        allow_blank=False,
        trim_whitespace=True,
        help_text="Display name, 1–255 characters after trimming.",
    )
