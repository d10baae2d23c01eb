"""The base of the ideas views, and the one way an idea is answered (its body and its ETag).

Every view exists twice: under `/api/v1/…` and under `/api/v1/{user_id}/…` for frontends that put
the user id in the path (`creatorvault.api.views.user_path_variant`); the frame's `ApiView`
answers 403 `FORBIDDEN` for a user id that is not the caller's and refuses stray query parameters.
"""

from __future__ import annotations

from typing import cast

from django.urls import reverse
from rest_framework import status
from rest_framework.response import Response

from accounts.models import User
from creatorvault.api.views import ApiView
from ideas.api.serializers.ideas import IdeaSerializer
from ideas.models import Idea


def idea_response(idea: Idea, *, status_code: int = status.HTTP_200_OK, **headers: str) -> Response:
    """One idea, with its version as the `ETag`."""
    return Response(IdeaSerializer(idea).data, status=status_code, headers={"ETag": idea.etag, **headers})


class IdeasApiView(ApiView):
    """Base of the ideas views."""

    @property
    def caller(self) -> User:
        """The authenticated user (permissions have run, so never anonymous here)."""
        return cast(User, self.request.user)

    def detail_url(self, idea: Idea) -> str:
        """The absolute URL of `idea`, in the same path style as this request."""
        user_id = self.kwargs.get("user_id")
        if user_id is None:
            path = reverse("idea-detail", kwargs={"id": idea.pk})
        else:
            path = reverse("user-idea-detail", kwargs={"user_id": user_id, "id": idea.pk})
        return self.request.build_absolute_uri(path)
