"""Views of the safety nets: the trash, revisions, tags as a whole, bulk changes.

Thin like every ideas view: parse, call one service or selector, render. The idea sub-paths
(`/ideas/bulk`, `/ideas/{id}/revisions…`) also exist under `/api/v1/{user_id}/ideas…`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.schema import ERROR_STATUSES_EXTENSION
from ideas import schema as docs
from ideas import schema_safety as safety_docs
from ideas.bulk import ideas_bulk_apply
from ideas.paging import parse_page_params
from ideas.revisions import revision_get, revision_list, revision_restore
from ideas.serializers import IdeaSerializer
from ideas.serializers_safety import (
    IdeaBulkResultSerializer,
    IdeaBulkSerializer,
    RevisionListSerializer,
    RevisionSerializer,
    TagDeletedSerializer,
    TagRenamedSerializer,
    TagRenameSerializer,
    TrashEmptiedSerializer,
    TrashListSerializer,
)
from ideas.tag_ops import tag_delete, tag_rename
from ideas.trash import idea_purge, idea_restore, trash_empty, trash_list
from ideas.views import IdeasApiView, _user_path_variant, idea_response

TRASH_TAG = ["trash"]
REVISIONS_TAG = ["revisions"]
TAGS_TAG = ["tags"]
IDEAS_TAG = ["ideas"]


# --- Trash --------------------------------------------------------------------------------------


class TrashListView(IdeasApiView):
    """`/trash`: the caller's trashed ideas; DELETE empties the trash."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """The list parses its own parameters; emptying the trash takes none (others answer 405)."""
        self.reads_query_parameters = request.method != "DELETE"
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="trash_list",
        summary="List your trash",
        description="Ideas you deleted, most recently trashed first, with when each was trashed. "
        "They are restorable until purged: `manage.py purge_trash` destroys ideas trashed longer ago "
        "than the retention period (`TRASH_RETENTION_DAYS`, default 30 days).",
        tags=TRASH_TAG,
        parameters=safety_docs.PAGE_PARAMETERS,
        responses={200: TrashListSerializer},
        examples=[safety_docs.TRASH_LIST_EXAMPLE],
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of the trash."""
        page = trash_list(owner=self.caller, page=parse_page_params(dict(request.query_params.lists())))
        return Response(
            TrashListSerializer({"ideas": page.ideas, "pagination": page.pagination.as_dict()}).data
        )

    @extend_schema(
        operation_id="trash_empty",
        summary="Empty your trash",
        description="Destroy every idea in your trash for good, with its revisions. All at once.",
        tags=TRASH_TAG,
        responses={200: TrashEmptiedSerializer},
        examples=[safety_docs.TRASH_EMPTIED_EXAMPLE],
    )
    def delete(self, request: Request, **kwargs: Any) -> Response:
        """Purge the whole trash."""
        counts = trash_empty(owner=self.caller)
        return Response(TrashEmptiedSerializer({"purged": counts.ideas}).data)


class TrashDetailView(IdeasApiView):
    """`/trash/{id}`: destroy one trashed idea for good."""

    @extend_schema(
        operation_id="trash_destroy",
        summary="Destroy a trashed idea",
        description="Destroy one idea of your trash for good, with its revisions. Only trashed ideas: "
        "a live idea is a 404 here (delete it first).",
        tags=TRASH_TAG,
        parameters=[safety_docs.TRASHED_IDEA_ID],
        responses={204: None},
    )
    def delete(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Purge one idea."""
        idea_purge(owner=self.caller, idea_id=id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrashRestoreView(IdeasApiView):
    """`/trash/{id}/restore`: bring a trashed idea back."""

    @extend_schema(
        operation_id="trash_restore",
        summary="Restore a trashed idea",
        description="Bring the idea back exactly as it was trashed (same content, same version and ETag).",
        tags=TRASH_TAG,
        parameters=[safety_docs.TRASHED_IDEA_ID, docs.ETAG],
        request=None,
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE],
    )
    def post(self, request: Request, id: str, **kwargs: Any) -> Response:
        """Restore one idea."""
        return idea_response(idea_restore(owner=self.caller, idea_id=id))


# --- Revisions ----------------------------------------------------------------------------------


class IdeaRevisionListView(IdeasApiView):
    """`/ideas/{id}/revisions`: an idea's earlier contents."""

    reads_query_parameters = True

    @extend_schema(
        operation_id="ideas_revisions_list",
        summary="List an idea's revisions",
        description=safety_docs.REVISIONS_DESCRIPTION,
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, *safety_docs.PAGE_PARAMETERS],
        responses={200: RevisionListSerializer},
        examples=[safety_docs.REVISION_LIST_EXAMPLE],
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """A page of revisions, newest first."""
        page = parse_page_params(dict(request.query_params.lists()))
        result = revision_list(owner=self.caller, idea_id=id, page=page)
        return Response(
            RevisionListSerializer(
                {"revisions": result.revisions, "pagination": result.pagination.as_dict()}
            ).data
        )


class IdeaRevisionDetailView(IdeasApiView):
    """`/ideas/{id}/revisions/{rev}`: one earlier content."""

    @extend_schema(
        operation_id="ideas_revisions_retrieve",
        summary="Get a revision",
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, safety_docs.REV],
        responses={200: RevisionSerializer},
        examples=[safety_docs.REVISION_EXAMPLE],
    )
    def get(self, request: Request, id: str, rev: str, **kwargs: Any) -> Response:
        """One revision."""
        return Response(RevisionSerializer(revision_get(owner=self.caller, idea_id=id, number=rev)).data)


class IdeaRevisionRestoreView(IdeasApiView):
    """`/ideas/{id}/revisions/{rev}/restore`: make an earlier content current."""

    @extend_schema(
        operation_id="ideas_revisions_restore",
        summary="Restore a revision",
        description="Make the revision's content (title, notes, stage, tags, priority, due date) the "
        "idea's current content. This is a write like any other: it honours `If-Match`, gives the idea "
        "a new version, and keeps the content it replaces as a new revision.",
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, safety_docs.REV, docs.IF_MATCH, docs.ETAG],
        request=None,
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE],
    )
    def post(self, request: Request, id: str, rev: str, **kwargs: Any) -> Response:
        """Restore one revision."""
        idea = revision_restore(owner=self.caller, idea_id=id, number=rev, if_match=self.if_match())
        return idea_response(idea)


# --- Tags ---------------------------------------------------------------------------------------


class TagDetailView(IdeasApiView):
    """`/tags/{tag}`: remove a tag from every idea."""

    @extend_schema(
        operation_id="tags_destroy",
        summary="Delete a tag",
        description="Remove the tag from every one of your ideas, atomically (trashed ideas keep it). "
        "Each changed idea gets a new version and keeps a revision. A tag none of your ideas carries "
        "is a 404.",
        tags=TAGS_TAG,
        parameters=[safety_docs.TAG],
        responses={200: TagDeletedSerializer},
        examples=[safety_docs.TAG_DELETED_EXAMPLE],
    )
    def delete(self, request: Request, tag: str, **kwargs: Any) -> Response:
        """Delete one tag."""
        return Response(TagDeletedSerializer(tag_delete(owner=self.caller, tag=tag)).data)


class TagRenameView(TagDetailView):
    """`/tags/rename`: rename or merge a tag across every idea (DELETE removes the tag `rename`)."""

    @extend_schema(
        operation_id="tags_rename",
        summary="Rename or merge a tag",
        description="Rename `from` to `to` on every one of your ideas, atomically (trashed ideas are left "
        "as they were). Both are normalised like stored tags. Where an idea carries both, they merge: "
        "the idea keeps `to` once, where it was. Renaming a tag to itself changes nothing. Each changed "
        "idea gets a new version and keeps a revision. A `from` that none of your ideas carries is a 404.",
        tags=TAGS_TAG,
        request=TagRenameSerializer,
        extensions={ERROR_STATUSES_EXTENSION: [404]},
        responses={200: TagRenamedSerializer},
        examples=[safety_docs.TAG_RENAME_EXAMPLE, safety_docs.TAG_RENAMED_EXAMPLE],
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        """Rename one tag."""
        serializer = TagRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = tag_rename(owner=self.caller, source=data["from"], target=data["to"])
        return Response(
            TagRenamedSerializer({"from": change.source, "to": change.target, "changed": change.changed}).data
        )

    @extend_schema(
        operation_id="tags_destroy_rename",
        summary="Delete the tag named rename",
        description="`DELETE /api/v1/tags/{tag}` for the one tag whose name is also this path: `rename`.",
        tags=TAGS_TAG,
        responses={200: TagDeletedSerializer},
        examples=[safety_docs.TAG_DELETED_EXAMPLE],
        extensions={ERROR_STATUSES_EXTENSION: [404]},
    )
    def delete(self, request: Request, tag: str = "rename", **kwargs: Any) -> Response:
        """`DELETE /tags/rename` is `DELETE /tags/{tag}` for the tag named `rename`."""
        return super().delete(request, tag="rename", **kwargs)


# --- Bulk ---------------------------------------------------------------------------------------


class IdeaBulkView(IdeasApiView):
    """`/ideas/bulk`: one change to many ideas, all or nothing."""

    @extend_schema(
        operation_id="ideas_bulk",
        summary="Change many ideas at once",
        description=safety_docs.BULK_DESCRIPTION,
        tags=IDEAS_TAG,
        request=IdeaBulkSerializer,
        responses={200: IdeaBulkResultSerializer},
        examples=safety_docs.BULK_EXAMPLES,
        extensions={ERROR_STATUSES_EXTENSION: [404, 409]},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        """Apply the change."""
        serializer = IdeaBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = ideas_bulk_apply(owner=self.caller, **serializer.validated_data)
        return Response(IdeaBulkResultSerializer(result).data)


UserIdeaBulkView = _user_path_variant(IdeaBulkView, {"post": "ideas_bulk"})
UserIdeaRevisionListView = _user_path_variant(IdeaRevisionListView, {"get": "ideas_revisions_list"})
UserIdeaRevisionDetailView = _user_path_variant(IdeaRevisionDetailView, {"get": "ideas_revisions_retrieve"})
UserIdeaRevisionRestoreView = _user_path_variant(IdeaRevisionRestoreView, {"post": "ideas_revisions_restore"})
