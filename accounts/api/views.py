"""`/api/v1/users/me`: the caller's own profile (GET, PATCH).

The route itself is declared by `privacy.api.urls`, whose view adds `DELETE` (erasing the account
with everything hanging off it, which identity knows nothing about) to this one.
"""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import UserProfileUpdateSerializer, UserSerializer
from accounts.models import User
from accounts.services import user_update_profile
from creatorvault.api.views import ApiView

EXAMPLE_USER = {
    "id": "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ",
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "created_at": "2026-01-04T10:30:00Z",
    "updated_at": "2026-01-04T10:30:00Z",
}


class UserMeView(ApiView):
    """The profile of the user the bearer token names (created on their first request)."""

    @extend_schema(
        operation_id="users_me_retrieve",
        summary="Your profile",
        description=(
            "The caller's profile. The account is created from the token's claims on the first "
            "request, and later tokens keep `email` and `name` current."
        ),
        responses={200: UserSerializer},
        examples=[OpenApiExample("Profile", value=EXAMPLE_USER, response_only=True)],
        tags=["users"],
    )
    def get(self, request: Request) -> Response:
        """Return the caller's profile."""
        return Response(UserSerializer(cast(User, request.user)).data)

    @extend_schema(
        operation_id="users_me_partial_update",
        summary="Change your display name",
        description=(
            "Only `name` can change here; any other field is refused with 400 `VALIDATION_ERROR`. "
            "The email belongs to Better Auth. A token issued before this change does not undo it; "
            "tokens issued later carry Better Auth's name, which then wins."
        ),
        request=UserProfileUpdateSerializer,
        responses={200: UserSerializer},
        examples=[
            OpenApiExample("Rename", value={"name": "Ada King"}, request_only=True),
            OpenApiExample("Profile", value={**EXAMPLE_USER, "name": "Ada King"}, response_only=True),
        ],
        tags=["users"],
    )
    def patch(self, request: Request) -> Response:
        """Update the caller's display name."""
        serializer = UserProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = cast(User, request.user)
        if "name" in serializer.validated_data:
            user = user_update_profile(user=user, name=serializer.validated_data["name"])
        return Response(UserSerializer(user).data)
