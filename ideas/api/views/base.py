"""The base of the ideas views, and the one way an idea is answered (its body and its ETag).

Every view exists twice: under `/api/v1/…` and under `/api/v1/{user_id}/…` for frontends that put
the user id in the path (`creatorvault.api.views.user_path_variant`); the frame's `ApiView`
answers 403 `FORBIDDEN` for a user id that is not the caller's and refuses stray query parameters.

Every view declares `required_scope = IDEAS_SCOPES`: a personal access token reads with
`ideas:read` and writes with `ideas:write`. Notes reach the response only with `notes:read` (or a
Better Auth session); serializers get that through `serializer_context()`.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from rest_framework import status
from rest_framework.response import Response

from accounts.models import User
from accounts.scopes import Scope
from creatorvault.api.scopes import by_method, has_scope
from creatorvault.api.views import ApiView
from ideas.api.serializers.fields import NOTES_VISIBLE
from ideas.api.serializers.ideas import idea_shape
from ideas.models import Idea

#: What a personal access token needs for the ideas views: reads `ideas:read`, writes `ideas:write`.
IDEAS_SCOPES = by_method(read=Scope.IDEAS_READ.value, write=Scope.IDEAS_WRITE.value)


class IdeasApiView(ApiView):
    """Base of the ideas views."""

    @property
    def caller(self) -> User:
        """The authenticated user (permissions have run, so never anonymous here)."""
        return cast(User, self.request.user)

    @property
    def notes_visible(self) -> bool:
        """Whether the caller may read notes: `notes:read`, or a credential with full access."""
        return has_scope(self.request, Scope.NOTES_READ.value)

    def serializer_context(self) -> dict[str, Any]:
        """The context of every output serializer (whether notes are shown)."""
        return {NOTES_VISIBLE: self.notes_visible}

    def idea_response(self, idea: Idea, *, status_code: int = status.HTTP_200_OK, **headers: str) -> Response:
        """One idea, with its version as the `ETag`."""
        data = idea_shape(idea, notes_visible=self.notes_visible)
        return Response(data, status=status_code, headers={"ETag": idea.etag, **headers})

    def detail_url(self, idea: Idea) -> str:
        """The absolute URL of `idea`, in the same path style as this request."""
        user_id = self.kwargs.get("user_id")
        if user_id is None:
            path = reverse("idea-detail", kwargs={"id": idea.pk})
        else:
            path = reverse("user-idea-detail", kwargs={"user_id": user_id, "id": idea.pk})
        return self.request.build_absolute_uri(path)
