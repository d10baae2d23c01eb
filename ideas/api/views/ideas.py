"""Views of ideas (`/ideas`, `/ideas/{id}`, `/ideas/{id}/stage`): parse, call one service or
selector, render the result."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.api.openapi import LINKS_EXTENSION
from creatorvault.api.views import user_path_variant
from ideas.api import openapi as docs
from ideas.api.serializers.ideas import (
    IdeaListSerializer,
    IdeaSerializer,
    IdeaStageSerializer,
    IdeaWriteSerializer,
    idea_list_shape,
    idea_write_data,
)
from ideas.api.views.base import IDEAS_SCOPES, IdeasApiView
from ideas.selectors.ideas import idea_get, idea_list
from ideas.selectors.params import parse_idea_list_params
from ideas.services.ideas import idea_create, idea_replace, idea_set_stage, idea_update
from ideas.services.trash import idea_trash

IDEAS_TAG = ["ideas"]


class IdeaListView(IdeasApiView):
    """`/ideas`: list and create the caller's ideas."""

    required_scope = IDEAS_SCOPES

    reads_query_parameters = True

    @extend_schema(
        operation_id="listIdeas",
        summary="List your ideas",
        description="Filter, search, sort and paginate the caller's ideas. Unknown or malformed "
        "parameters are a 400 naming the parameter.",
        tags=IDEAS_TAG,
        parameters=[*docs.LIST_PARAMETERS, docs.IF_NONE_MATCH, docs.LIST_ETAG],
        responses={200: IdeaListSerializer},
        examples=[docs.LIST_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.LIST_LINKS}},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of the caller's ideas."""
        params = parse_idea_list_params(dict(request.query_params.lists()))
        page = idea_list(owner=self.caller, params=params, search_notes=self.notes_visible)
        return self.list_response(
            idea_list_shape(page.items, page.pagination, notes_visible=self.notes_visible)
        )

    @extend_schema(
        operation_id="createIdea",
        summary="Create an idea",
        description="The owner is the caller. Answers 201 with the idea, its `ETag` and its `Location`.",
        tags=IDEAS_TAG,
        request=IdeaWriteSerializer,
        responses={201: IdeaSerializer},
        parameters=[docs.ETAG, docs.LOCATION],
        examples=[docs.CREATE_EXAMPLE, docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {201: docs.CREATE_LINKS}},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        """Create an idea for the caller."""
        idea = idea_create(owner=self.caller, **idea_write_data(request.data))
        return self.idea_response(idea, status_code=status.HTTP_201_CREATED, Location=self.detail_url(idea))


class IdeaDetailView(IdeasApiView):
    """`/ideas/{id}`: read, replace, update and delete one of the caller's ideas."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="getIdea",
        summary="Get an idea",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_NONE_MATCH, docs.ETAG],
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE, docs.IDEA_NOTES_WITHHELD_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """One of the caller's ideas (304 when `If-None-Match` names its current `ETag`)."""
        idea = idea_get(owner=self.caller, idea_id=id)
        return self.not_modified(idea.etag) or self.idea_response(idea)

    @extend_schema(
        operation_id="replaceIdea",
        summary="Replace an idea",
        description="Full update: `title` is required and every omitted field is reset to its default.",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.CREATE_EXAMPLE, docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def put(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Replace every writable field of the idea."""
        serializer = IdeaWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = idea_replace(
            owner=self.caller, idea_id=id, if_match=self.if_match(), **serializer.validated_data
        )
        return self.idea_response(idea)

    @extend_schema(
        operation_id="updateIdea",
        summary="Update an idea",
        description="Partial update: only the fields sent change.",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaWriteSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.PATCH_EXAMPLE, docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def patch(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Change the fields sent."""
        serializer = IdeaWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        idea = idea_update(
            owner=self.caller, idea_id=id, changes=serializer.validated_data, if_match=self.if_match()
        )
        return self.idea_response(idea)

    @extend_schema(
        operation_id="deleteIdea",
        summary="Delete an idea (to the trash)",
        description="Moves the idea to the trash: it vanishes from lists, detail, tags and search, and "
        "`POST /api/v1/trash/{id}/restore` brings it back unchanged until it is purged "
        "(`DELETE /api/v1/trash/{id}`, or the retention period runs out).",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH],
        responses={204: None},
        extensions={LINKS_EXTENSION: {204: docs.TRASHED_LINKS}},
    )
    def delete(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Move the idea to the trash."""
        idea_trash(owner=self.caller, idea_id=id, if_match=self.if_match())
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaStageView(IdeasApiView):
    """`/ideas/{id}/stage`: move an idea along the pipeline."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="setIdeaStage",
        summary="Change an idea's stage",
        tags=IDEAS_TAG,
        parameters=[docs.IDEA_ID, docs.IF_MATCH, docs.ETAG],
        request=IdeaStageSerializer,
        responses={200: IdeaSerializer},
        examples=[docs.STAGE_EXAMPLE, docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def patch(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Set the stage only."""
        serializer = IdeaStageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = idea_set_stage(
            owner=self.caller, idea_id=id, stage=serializer.validated_data["stage"], if_match=self.if_match()
        )
        return self.idea_response(idea)


UserIdeaListView = user_path_variant(IdeaListView)
UserIdeaDetailView = user_path_variant(IdeaDetailView)
UserIdeaStageView = user_path_variant(IdeaStageView)
