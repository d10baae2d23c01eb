"""Ideas API views: parse the request, call one service or selector, render the result.

Every view exists twice: under `/api/v1/ideas…` and under `/api/v1/{user_id}/ideas…` for
frontends that put the user id in the path. The second kind answers 403 `FORBIDDEN` unless the
id is the caller's, before any data is touched.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from creatorvault.api import ApiView
from creatorvault.errors import Forbidden, ValidationFailed
from ideas import schema as docs
from ideas.filters import parse_idea_list_params
from ideas.models import Idea
from ideas.selectors import idea_get, idea_list, tag_counts
from ideas.serializers import (
    IdeaListSerializer,
    IdeaSerializer,
    IdeaStageSerializer,
    IdeaWriteSerializer,
    TagListSerializer,
)
from ideas.services import idea_create, idea_replace, idea_set_stage, idea_update
from ideas.trash import idea_trash

IDEAS_TAG = ["ideas"]


def idea_response(idea: Idea, *, status_code: int = status.HTTP_200_OK, **headers: str) -> Response:
    """One idea, with its version as the `ETag`."""
    return Response(IdeaSerializer(idea).data, status=status_code, headers={"ETag": idea.etag, **headers})


class IdeasApiView(ApiView):
    """Base of the ideas views: checks the path's user id and refuses stray query parameters."""

    #: Whether the view reads query parameters (the list parses and checks its own).
    reads_query_parameters = False

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """After authentication: the path's user id must be the caller; no unknown parameters."""
        super().initial(request, *args, **kwargs)
        path_user_id = kwargs.get("user_id")
        if path_user_id is not None and path_user_id != str(request.user.pk):
            raise Forbidden("The user id in the path is not the caller's.")
        if not self.reads_query_parameters and request.query_params:
            raise ValidationFailed(
                "This operation takes no query parameters.",
                details=[
                    {"field": name, "message": "Unknown query parameter.", "type": "unknown"}
                    for name in request.query_params
                ],
            )

    @property
    def caller(self) -> User:
        """The authenticated user (permissions have run, so never anonymous here)."""
        return cast(User, self.request.user)

    def if_match(self) -> str | None:
        """The request's `If-Match` header, if any."""
        return self.request.headers.get("If-Match")

    def detail_url(self, idea: Idea) -> str:
        """The absolute URL of `idea`, in the same path style as this request."""
        user_id = self.kwargs.get("user_id")
        if user_id is None:
            path = reverse("idea-detail", kwargs={"id": idea.pk})
        else:
            path = reverse("user-idea-detail", kwargs={"user_id": user_id, "id": idea.pk})
        return self.request.build_absolute_uri(path)


class IdeaListView(IdeasApiView):
    """`/ideas`: list and create the caller's ideas."""

    reads_query_parameters = True

    @extend_schema(
        operation_id="ideas_list",
        summary="List your ideas",
        description="Filter, search, sort and paginate the caller's ideas. Unknown or malformed "
        "parameters are a 400 naming the parameter.",
        tags=IDEAS_TAG,
        parameters=docs.LIST_PARAMETERS,
        responses={200: IdeaListSerializer},
        examples=[docs.LIST_EXAMPLE],
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of the caller's ideas."""
        params = parse_idea_list_params(dict(request.query_params.lists()))
        page = idea_list(owner=self.caller, params=params)
        pagination = {
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
            "has_more": page.has_more,
        }
        return Response(IdeaListSerializer({"ideas": page.ideas, "pagination": pagination}).data)

    @extend_schema(
        operation_id="ideas_create",
        summary="Create an idea",
        description="The owner is the caller. Answers 201 with the idea, its `ETag` and its `Location`.",
        tags=IDEAS_TAG,
        request=IdeaWriteSerializer,
        responses={201: IdeaSerializer},
        parameters=[docs.ETAG, docs.LOCATION],
        examples=[docs.CREATE_EXAMPLE, docs.IDEA_EXAMPLE],
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        """Create an idea for the caller."""
        serializer = IdeaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = idea_create(owner=self.caller, **serializer.validated_data)
        return idea_response(idea, status_code=status.HTTP_201_CREATED, Location=self.detail_url(idea))


class IdeaDetailView(IdeasApiView):
    """`/ideas/{id}`: read, replace, update and delete one of the caller's ideas."""

    @extend_schema(
        operation_id="ideas_retrieve",
        summary="Get an idea",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.ETAG],
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE],
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """One of the caller's ideas."""
        return idea_response(idea_get(owner=self.caller, idea_id=id))

    @extend_schema(
        operation_id="ideas_replace",
        summary="Replace an idea",
        description="Full update: `title` is required and every omitted field is reset to its default.",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.CREATE_EXAMPLE, docs.IDEA_EXAMPLE],
    )
    def put(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Replace every writable field of the idea."""
        serializer = IdeaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = idea_replace(
            owner=self.caller, idea_id=id, if_match=self.if_match(), **serializer.validated_data
        )
        return idea_response(idea)

    @extend_schema(
        operation_id="ideas_partial_update",
        summary="Update an idea",
        description="Partial update: only the fields sent change.",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.PATCH_EXAMPLE, docs.IDEA_EXAMPLE],
    )
    def patch(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Change the fields sent."""
        serializer = IdeaWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        idea = idea_update(
            owner=self.caller, idea_id=id, changes=serializer.validated_data, if_match=self.if_match()
        )
        return idea_response(idea)

    @extend_schema(
        operation_id="ideas_destroy",
        summary="Delete an idea (to the trash)",
        description="Moves the idea to the trash: it vanishes from lists, detail, tags and search, and "
        "`POST /api/v1/trash/{id}/restore` brings it back unchanged until it is purged "
        "(`DELETE /api/v1/trash/{id}`, or the retention period runs out).",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH],
        responses={204: None},
    )
    def delete(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Move the idea to the trash."""
        idea_trash(owner=self.caller, idea_id=id, if_match=self.if_match())
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaStageView(IdeasApiView):
    """`/ideas/{id}/stage`: move an idea along the pipeline."""

    @extend_schema(
        operation_id="ideas_stage_update",
        summary="Change an idea's stage",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaStageSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.STAGE_EXAMPLE, docs.IDEA_EXAMPLE],
    )
    def patch(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Set the stage only."""
        serializer = IdeaStageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = idea_set_stage(
            owner=self.caller, idea_id=id, stage=serializer.validated_data["stage"], if_match=self.if_match()
        )
        return idea_response(idea)


class TagListView(IdeasApiView):
    """`/tags`: the caller's tags, for autocomplete."""

    @extend_schema(
        operation_id="tags_list",
        summary="List your tags",
        description="Every tag on the caller's ideas with how many ideas carry it, most used first.",
        tags=["tags"],
        responses={200: TagListSerializer},
        examples=[docs.TAGS_EXAMPLE],
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """The caller's tags with counts."""
        tags = [{"tag": entry.tag, "count": entry.count} for entry in tag_counts(owner=self.caller)]
        return Response(TagListSerializer({"tags": tags}).data)


def _user_path_variant(view: type[IdeasApiView], methods: dict[str, str]) -> type[IdeasApiView]:
    """The same view under `/api/v1/{user_id}/…`, with its own operation ids in the schema."""
    variant = type(f"User{view.__name__}", (view,), {"__doc__": f"{view.__doc__} (user id in the path)"})
    overrides = {
        method: extend_schema(operation_id=f"user_{operation_id}", parameters=[docs.USER_ID])
        for method, operation_id in methods.items()
    }
    return extend_schema_view(**overrides)(variant)


UserIdeaListView = _user_path_variant(IdeaListView, {"get": "ideas_list", "post": "ideas_create"})
UserIdeaDetailView = _user_path_variant(
    IdeaDetailView,
    {
        "get": "ideas_retrieve",
        "put": "ideas_replace",
        "patch": "ideas_partial_update",
        "delete": "ideas_destroy",
    },
)
UserIdeaStageView = _user_path_variant(IdeaStageView, {"patch": "ideas_stage_update"})
