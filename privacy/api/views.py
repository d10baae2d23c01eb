"""`GET /api/v1/users/me/export` and `DELETE /api/v1/users/me`: take all of your data out, or erase it.

The logic lives in `privacy.selectors` and `privacy.services`; these views only authorise (the
caller is the subject) and render. `AccountView` is the profile view of `accounts` plus DELETE,
so the one `users/me` route answers GET, PATCH and DELETE.
"""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.views import UserMeView
from accounts.models import User
from creatorvault.api.scopes import Access
from creatorvault.api.views import ApiView
from privacy.api.serializers import ExportDocumentSerializer
from privacy.document import EXPORT_FORMAT, EXPORT_VERSION
from privacy.selectors import user_data_export
from privacy.services import user_erase

EXAMPLE_EXPORT = {
    "format": EXPORT_FORMAT,
    "version": EXPORT_VERSION,
    "exported_at": "2026-01-04T10:30:00Z",
    "user": {
        "id": "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ",
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "created_at": "2026-01-04T10:30:00Z",
        "updated_at": "2026-01-04T10:30:00Z",
    },
    "ideas": [
        {
            "id": "3f1c2b9e-5a4d-4c1e-9f0a-1b2c3d4e5f60",
            "title": "AI Content Tools Research",
            "notes": "Compare the tools; interview two editors.",
            "stage": "idea",
            "tags": ["blog", "research"],
            "priority": "high",
            "due_date": None,
            "version": 1,
            "created_at": "2026-01-04T10:30:00Z",
            "updated_at": "2026-01-04T10:30:00Z",
            "trashed_at": None,
        }
    ],
    "related": {
        "ideas.IdeaRevision": [],
        "accounts.PersonalAccessToken": [
            {
                "id": "4Fq9ZxT2bLmR",
                "name": "Claude Desktop",
                "prefix": "cvp_4Fq9ZxT2bLmR",
                "scopes": ["ideas:read", "notes:read"],
                "created_at": "2026-01-04T10:30:00Z",
                "expires_at": "2026-04-04T10:30:00Z",
                "last_used_at": "2026-01-05T09:12:00Z",
                "revoked_at": None,
            }
        ],
    },
    "ai_activity": [],
    "conversations": [],
}


class UserExportView(ApiView):
    """All of the caller's data as one JSON document."""

    # Everything at once, notes included: the creator's session only, never a scoped token.
    required_scope = Access.FULL_ACCESS_ONLY

    @extend_schema(
        operation_id="exportMe",
        summary="Export all of your data",
        description=(
            "Everything CreatorVault holds about the caller, as one JSON document in `data`: the "
            "profile, every idea (those in the trash too) and the rows that hang off them (`related`, "
            "e.g. revisions), with notes in plain text (sealed at rest, opened for this answer only), "
            "your personal access tokens' metadata (never their secrets) and the AI activity "
            "ledger (`ai_activity`) and the chat's conversations with their messages (`conversations`). "
            "The document is suitable for re-import: staff load it back with "
            "`manage.py import_user_data FILE`, keeping ids and timestamps. The response is marked "
            "`Cache-Control: no-store`."
        ),
        responses={200: ExportDocumentSerializer},
        examples=[OpenApiExample("Export", value=EXAMPLE_EXPORT, response_only=True)],
        tags=["users"],
    )
    def get(self, request: Request) -> Response:
        """Return the caller's export document."""
        document = user_data_export(user=cast(User, request.user))
        filename = f"creatorvault-export-{request.user.pk}.json"
        return Response(
            document,
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": f'attachment; filename="{filename}"',
            },
        )


class AccountView(UserMeView):
    """`users/me`: the caller's profile (GET, PATCH from `accounts`) and its erasure (DELETE)."""

    required_scope = {**UserMeView.required_scope, "DELETE": Access.FULL_ACCESS_ONLY}

    @extend_schema(
        operation_id="deleteMe",
        summary="Erase your account and all of your data",
        description=(
            "Erases the caller's ideas, the word index of their notes, admin log entries about them, "
            "the AI activity ledger and the profile, then answers 204 with no body. It cannot be "
            "undone; export first (`GET /api/v1/users/me/export`). The Better Auth account itself "
            "lives with the frontend: a later request with a still-valid token would start a new, "
            "empty profile."
        ),
        request=None,
        responses={204: OpenApiResponse(description="Erased; no body.")},
        tags=["users"],
    )
    def delete(self, request: Request) -> Response:
        """Erase the caller; 204."""
        user_erase(user=cast(User, request.user))
        return Response(status=204)
