"""The base of the ideas views, and the one way an idea is answered (its body and its ETag).

Every view exists twice: under `/api/v1/…` and under `/api/v1/{user_id}/…` for frontends that put
the user id in the path (`creatorvault.api.views.user_path_variant`); the frame's `ApiView`
answers 403 `FORBIDDEN` for a user id that is not the caller's and refuses stray query parameters.

Every view declares `required_scope = IDEAS_SCOPES`: a personal access token reads with
`ideas:read` and writes with `ideas:write`. Notes reach the response only with `notes:read` (or a
Better Auth session); serializers get that through `serializer_context()`.
"""

from __future__ import annotations

import functools
from typing import Any, cast
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
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
            path = _detail_path("idea-detail", {"id": idea.pk})
        else:
            path = _detail_path("user-idea-detail", {"user_id": user_id, "id": idea.pk})
        return self.request.build_absolute_uri(path)


# `reverse` matches every candidate pattern and quotes the whole path on each call; a create's
# Location is the same path with other values. The path is reversed once per URL configuration and
# script prefix with placeholder values, and each value is quoted into it as `reverse` quotes it.
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse` leaves unquoted


def _placeholder(name: str) -> str:
    return f"cv-path-{name}-0c0ffee"


@functools.lru_cache(maxsize=32)
def _path_template(
    name: str, names: tuple[str, ...], urlconf: Any, prefix: str
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The reversed path as (literal pieces, the key between each two), or None to reverse each time."""
    template = reverse(name, kwargs={key: _placeholder(key) for key in names})
    if any(template.count(_placeholder(key)) != 1 for key in names):
        return None  # a placeholder rewritten or repeated
    order = tuple(sorted(names, key=lambda key: template.index(_placeholder(key))))
    pieces = [template]
    for key in order:
        pieces[-1:] = pieces[-1].split(_placeholder(key))
    return tuple(pieces), order


def _detail_path(name: str, kwargs: dict[str, Any]) -> str:
    """`reverse(name, kwargs=kwargs)`, from a template reversed once: each value quoted in its place."""
    template = _path_template(name, tuple(kwargs), get_urlconf(), get_script_prefix())
    if template is None:
        return reverse(name, kwargs=kwargs)
    pieces, order = template
    parts = [pieces[0]]
    for key, piece in zip(order, pieces[1:], strict=True):
        parts.append(quote(str(kwargs[key]), safe=_PATH_SAFE))
        parts.append(piece)
    return "".join(parts)
