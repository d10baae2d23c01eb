"""`/api/v1/users/me`: the caller's own profile (GET, PATCH), and `/users/me/tokens…`, their
personal access tokens.

The profile route itself is declared by `privacy.api.urls`, whose view adds `DELETE` (erasing the
account with everything hanging off it, which identity knows nothing about) to this one; the
token routes by `accounts.api.urls`.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.serializers import (
    IssuedTokenSerializer,
    TokenCreateSerializer,
    TokenListSerializer,
    UserProfileUpdateSerializer,
    UserSerializer,
)
from accounts.models import User
from accounts.scopes import scopes_table
from accounts.selectors import token_list
from accounts.services import TOKENS_LIVE_MAX, token_create, token_revoke_own, user_update_profile
from creatorvault.api.openapi import ERROR_STATUSES_EXTENSION, LINKS_EXTENSION, PAGE_PARAMETERS, link
from creatorvault.api.pagination import parse_page_params
from creatorvault.api.scopes import Access
from creatorvault.api.views import ApiView

EXAMPLE_TOKEN_STRING = "cvp_4Fq9ZxT2bLmR_" + "q0PzR7" * 7 + "a" + "Yh81kQ"
EXAMPLE_USER = {
    "id": "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ",
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "created_at": "2026-01-04T10:30:00Z",
    "updated_at": "2026-01-04T10:30:00Z",
}


#: A token just made, or the newest of a page, can be revoked (OpenAPI links).
TOKEN_LINKS = {"RevokeToken": link("revokeToken", {"id": "$response.body#/data/id"})}
TOKEN_LIST_LINKS = {"RevokeToken": link("revokeToken", {"id": "$response.body#/data/tokens/0/id"})}


class UserMeView(ApiView):
    """The profile of the user the bearer token names (created on their first request)."""

    # Any personal access token may ask whose it is; changing the profile needs the session.
    required_scope = {"GET": Access.ANY_CREDENTIAL, "PATCH": Access.FULL_ACCESS_ONLY}

    @extend_schema(
        operation_id="getMe",
        summary="Your profile",
        description=(
            "The caller's profile. The account is created from the token's claims on the first "
            "request; later tokens keep `email` current. `name` is edited with `PATCH /users/me` "
            "(the token's name only fills an empty one)."
        ),
        responses={200: UserSerializer},
        examples=[OpenApiExample("Profile", value=EXAMPLE_USER, response_only=True)],
        tags=["users"],
    )
    def get(self, request: Request) -> Response:
        """Return the caller's profile."""
        return Response(UserSerializer(cast(User, request.user)).data)

    @extend_schema(
        operation_id="updateMe",
        summary="Change your display name",
        description=(
            "Only `name` can change here; any other field is refused with 400 `VALIDATION_ERROR`. "
            "The email belongs to Better Auth; **the name is the creator's, edited here**: this is its "
            "one source of truth. A token's `name` claim only seeds it (when the account is created, "
            "or while it is empty) and never reverts a name set here; a frontend shows this name."
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


EXAMPLE_TOKEN = {
    "id": "4Fq9ZxT2bLmR",
    "name": "Claude Desktop",
    "prefix": "cvp_4Fq9ZxT2bLmR",
    "scopes": ["ideas:read", "notes:read"],
    "status": "active",
    "created_at": "2026-01-04T10:30:00Z",
    "expires_at": "2026-04-04T10:30:00Z",
    "last_used_at": None,
    "revoked_at": None,
}
TOKENS_TAG = ["tokens"]
TOKENS_DESCRIPTION = (
    "Personal access tokens let a script, a CLI or an MCP client call the API as you, limited to "
    "the scopes you give them, until they expire or you revoke them. Send one as "
    "`Authorization: Bearer cvp_…`.\n\n" + scopes_table() + "\n\nManaging tokens needs your "
    "Better Auth session: a personal access token cannot list, make or revoke tokens."
)


class TokenListView(ApiView):
    """`/users/me/tokens`: the caller's personal access tokens (list, make). Session only."""

    required_scope = Access.FULL_ACCESS_ONLY

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """The list reads `limit` and `offset`; making a token takes no query parameter (other
        methods answer 405)."""
        self.reads_query_parameters = request.method != "POST"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="listTokens",
        summary="List your personal access tokens",
        description=f"{TOKENS_DESCRIPTION}\\n\\nNewest first, revoked and expired ones included "
        "(`status`). Never the token itself.",
        parameters=PAGE_PARAMETERS,
        responses={200: TokenListSerializer},
        examples=[
            OpenApiExample(
                "Tokens",
                value={
                    "tokens": [EXAMPLE_TOKEN],
                    "pagination": {"total": 1, "limit": 20, "offset": 0, "has_more": False},
                },
                response_only=True,
            )
        ],
        tags=TOKENS_TAG,
        extensions={LINKS_EXTENSION: {200: TOKEN_LIST_LINKS}},
    )
    def get(self, request: Request) -> Response:
        """A page of the caller's tokens."""
        page = token_list(owner=self.caller, page=parse_page_params(dict(request.query_params.lists())))
        return Response(TokenListSerializer({"tokens": page.items, "pagination": page.pagination}).data)

    @extend_schema(
        operation_id="createToken",
        summary="Make a personal access token",
        description=f"{TOKENS_DESCRIPTION}\\n\\nAnswers 201 with the token string in `token`: copy it "
        "now, it is never shown again (the server keeps only a keyed hash). The response is "
        f"`Cache-Control: no-store`. At most {TOKENS_LIVE_MAX} live (unrevoked, unexpired) tokens per "
        "creator: one more is a 409 `CONFLICT`.",
        request=TokenCreateSerializer,
        responses={201: IssuedTokenSerializer},
        examples=[
            OpenApiExample(
                "New token",
                value={
                    "name": "Claude Desktop",
                    "scopes": ["ideas:read", "notes:read"],
                    "expires_in_days": 90,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Made",
                value={**EXAMPLE_TOKEN, "token": EXAMPLE_TOKEN_STRING},
                response_only=True,
                status_codes=["201"],
            ),
        ],
        extensions={LINKS_EXTENSION: {201: TOKEN_LINKS}, ERROR_STATUSES_EXTENSION: [409]},
        tags=TOKENS_TAG,
    )
    def post(self, request: Request) -> Response:
        """Make a token; its string is in this response only."""
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = token_create(owner=self.caller, **serializer.validated_data)
        return Response(
            IssuedTokenSerializer(issued).data,
            status=status.HTTP_201_CREATED,
            headers={"Cache-Control": "no-store"},
        )


class TokenDetailView(ApiView):
    """`/users/me/tokens/{id}`: revoke one of the caller's tokens. Session only."""

    required_scope = Access.FULL_ACCESS_ONLY

    @extend_schema(
        operation_id="revokeToken",
        summary="Revoke a personal access token",
        description="The token fails with 401 `AUTH_ERROR` from the next request on, in every server "
        "process. It stays in your list as `revoked`. Revoking a revoked token changes nothing (204).",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The token's `id`.")
        ],
        request=None,
        responses={204: OpenApiResponse(description="Revoked; no body.")},
        tags=TOKENS_TAG,
    )
    def delete(self, request: Request, id: str) -> Response:
        """Revoke the token; 204."""
        token_revoke_own(owner=self.caller, token_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)
