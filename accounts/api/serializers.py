"""Shapes of `/api/v1/users/me` and its tokens: serializers out and in kept apart (so ids,
timestamps and secrets are never written by a client)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import NAME_MAX_LENGTH, TOKEN_NAME_MAX_LENGTH, PersonalAccessToken, User
from accounts.scopes import Scope, canonical_scopes
from accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, IssuedToken
from creatorvault.api.serializers import (
    PaginationSerializer,
    StrictInputSerializer,
    StrictIntegerField,
    TrimmedLineField,
)


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


class TokenCreateSerializer(StrictInputSerializer):
    """`POST /users/me/tokens` body: a name, the scopes, and how long the token lives."""

    name = TrimmedLineField(
        max_length=TOKEN_NAME_MAX_LENGTH,
        allow_blank=False,
        trim_whitespace=True,
        help_text=f"What the token is for (e.g. `Claude Desktop`), 1–{TOKEN_NAME_MAX_LENGTH} characters.",
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices),
        min_length=1,
        max_length=len(Scope.values),
        help_text="What the token may do: one or more scopes (repeats count once).",
    )
    expires_in_days = StrictIntegerField(
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        required=False,
        default=TOKEN_DEFAULT_DAYS,
        help_text=f"Days until the token expires: 1–{TOKEN_MAX_DAYS}, default {TOKEN_DEFAULT_DAYS}.",
    )

    def validate_scopes(self, value: list[str]) -> list[str]:
        """Repeats count once."""
        return canonical_scopes(value)


class TokenSerializer(serializers.ModelSerializer[PersonalAccessToken]):
    """A personal access token as lists show it: never its secret, nor the secret's hash."""

    prefix = serializers.CharField(
        read_only=True, help_text="The start of the token string (`cvp_<id>`), to tell tokens apart."
    )
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices), read_only=True)
    status = serializers.ChoiceField(
        choices=["active", "expired", "revoked"], read_only=True, help_text="Only `active` tokens work."
    )

    class Meta:
        model = PersonalAccessToken
        fields: tuple[str, ...] = (
            "id",
            "name",
            "prefix",
            "scopes",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )
        read_only_fields: tuple[str, ...] = fields
        extra_kwargs = {
            "id": {"help_text": "The token's id (the `{id}` of its URL; part of the token string)."},
            "last_used_at": {
                "help_text": "When it last authenticated a request (to the minute); null if never."
            },
            "revoked_at": {"help_text": "When it was revoked; null unless revoked."},
        }


class IssuedTokenSerializer(TokenSerializer):
    """A token just made: its metadata and, this once, the token string itself."""

    token = serializers.SerializerMethodField(
        help_text="The token to configure in your script or MCP client. Shown only in this response: "
        "the server keeps a hash, never the token."
    )

    class Meta(TokenSerializer.Meta):
        fields = (*TokenSerializer.Meta.fields, "token")
        read_only_fields = fields

    def __init__(self, issued: IssuedToken | None = None, **kwargs: Any) -> None:
        super().__init__(issued.token if issued else None, **kwargs)
        self._token_string = issued.token_string if issued else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_token(self, token: PersonalAccessToken) -> str:
        """The token string (held by the serializer, never by the row)."""
        return self._token_string


class TokenListSerializer(serializers.Serializer[Any]):
    """A page of the caller's tokens, newest first."""

    tokens = TokenSerializer(many=True)
    pagination = PaginationSerializer()
