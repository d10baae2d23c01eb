"""Views of the trash (`/trash`, `/trash/{id}`, `/trash/{id}/restore`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.api.openapi import LINKS_EXTENSION
from creatorvault.api.pagination import parse_list_page_params
from ideas.api import openapi as docs
from ideas.api.serializers.ideas import IdeaSerializer
from ideas.api.serializers.trash import TrashEmptiedSerializer, TrashListSerializer
from ideas.api.views.base import IDEAS_SCOPES, IdeasApiView
from ideas.selectors.trash import trash_list
from ideas.services.trash import idea_purge, idea_restore, trash_empty

TRASH_TAG = ["trash"]


class TrashListView(IdeasApiView):
    """`/trash`: the caller's trashed ideas; DELETE empties the trash."""

    required_scope = IDEAS_SCOPES

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """The list parses its own parameters; emptying the trash takes none (others answer 405)."""
        self.reads_query_parameters = request.method != "DELETE"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="listTrash",
        summary="List your trash",
        description="Ideas you deleted, most recently trashed first, with when each was trashed. "
        "They are restorable until purged: `manage.py purge_trash` destroys ideas trashed longer ago "
        "than the retention period (`TRASH_RETENTION_DAYS`, default 30 days).",
        tags=TRASH_TAG,
        parameters=[*docs.LIST_PAGE_PARAMETERS, docs.IF_NONE_MATCH, docs.LIST_ETAG],
        responses={200: TrashListSerializer},
        examples=[docs.TRASH_LIST_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.TRASH_LIST_LINKS}},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of the trash."""
        page = trash_list(owner=self.caller, page=parse_list_page_params(dict(request.query_params.lists())))
        data = {"ideas": page.items, "pagination": page.pagination}
        return self.list_response(TrashListSerializer(data, context=self.serializer_context()).data)

    @extend_schema(
        operation_id="emptyTrash",
        summary="Empty your trash",
        description="Destroy every idea in your trash for good, with its revisions. All at once.",
        tags=TRASH_TAG,
        responses={200: TrashEmptiedSerializer},
        examples=[docs.TRASH_EMPTIED_EXAMPLE],
    )
    def delete(self, request: Request, **kwargs: Any) -> Response:
        """Purge the whole trash."""
        counts = trash_empty(owner=self.caller)
        return Response(TrashEmptiedSerializer({"purged": counts.ideas}).data)


class TrashDetailView(IdeasApiView):
    """`/trash/{id}`: destroy one trashed idea for good."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="purgeFromTrash",
        summary="Destroy a trashed idea",
        description="Destroy one idea of your trash for good, with its revisions. Only trashed ideas: "
        "a live idea is a 404 here (delete it first).",
        tags=TRASH_TAG,
        parameters=[docs.TRASHED_IDEA_ID],
        responses={204: None},
    )
    def delete(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Purge one idea."""
        idea_purge(owner=self.caller, idea_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrashRestoreView(IdeasApiView):
    """`/trash/{id}/restore`: bring a trashed idea back."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="restoreFromTrash",
        summary="Restore a trashed idea",
        description="Bring the idea back exactly as it was trashed (same content, same version and ETag).",
        tags=TRASH_TAG,
        parameters=[docs.TRASHED_IDEA_ID, docs.ETAG],
        request=None,
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def post(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Restore one idea."""
        return self.idea_response(idea_restore(owner=self.caller, idea_id=id))
