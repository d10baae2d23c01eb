"""Views of tags (`/tags`, `/tags/rename`, `/tags/{tag}`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.api.openapi import ERROR_STATUSES_EXTENSION, LINKS_EXTENSION
from ideas.api import openapi as docs
from ideas.api.serializers.tags import (
    TagDeletedSerializer,
    TagListSerializer,
    TagRenamedSerializer,
    TagRenameSerializer,
)
from ideas.api.views.base import IDEAS_SCOPES, IdeasApiView
from ideas.selectors.tags import tag_counts
from ideas.services.tags import tag_delete, tag_rename

TAGS_TAG = ["tags"]


class TagListView(IdeasApiView):
    """`/tags`: the caller's tags, for autocomplete."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="listTags",
        summary="List your tags",
        description="Every tag on the caller's ideas with how many ideas carry it, most used first.",
        tags=TAGS_TAG,
        parameters=[docs.IF_NONE_MATCH, docs.LIST_ETAG],
        responses={200: TagListSerializer},
        examples=[docs.TAGS_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.TAG_LIST_LINKS}},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """The caller's tags with counts."""
        tags = [{"tag": entry.tag, "count": entry.count} for entry in tag_counts(owner=self.caller)]
        return self.list_response(TagListSerializer({"tags": tags}).data)


class TagDetailView(IdeasApiView):
    """`/tags/{tag}`: remove a tag from every idea."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="deleteTag",
        summary="Delete a tag",
        description="Remove the tag from every one of your ideas, atomically (trashed ideas keep it). "
        "Each changed idea gets a new version and keeps a revision. A tag none of your ideas carries "
        "is a 404.",
        tags=TAGS_TAG,
        parameters=[docs.TAG],
        responses={200: TagDeletedSerializer},
        examples=[docs.TAG_DELETED_EXAMPLE],
    )
    def delete(self, request: Request, tag: str, **kwargs: Any) -> Response:
        """Delete one tag."""
        return Response(TagDeletedSerializer(tag_delete(owner=self.caller, tag=tag)).data)


class TagRenameView(TagDetailView):
    """`/tags/rename`: rename or merge a tag across every idea (DELETE removes the tag `rename`)."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="renameTag",
        summary="Rename or merge a tag",
        description="Rename `from` to `to` on every one of your ideas, atomically (trashed ideas are left "
        "as they were). Both are normalised like stored tags. Where an idea carries both, they merge: "
        "the idea keeps `to` once, where it was. Renaming a tag to itself changes nothing. Each changed "
        "idea gets a new version and keeps a revision. A `from` that none of your ideas carries is a 404.",
        tags=TAGS_TAG,
        request=TagRenameSerializer,
        extensions={ERROR_STATUSES_EXTENSION: [404]},
        responses={200: TagRenamedSerializer},
        examples=[docs.TAG_RENAME_EXAMPLE, docs.TAG_RENAMED_EXAMPLE],
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
        operation_id="deleteTagNamedRename",
        summary="Delete the tag named rename",
        description="`DELETE /api/v1/tags/{tag}` for the one tag whose name is also this path: `rename`.",
        tags=TAGS_TAG,
        responses={200: TagDeletedSerializer},
        examples=[docs.TAG_DELETED_EXAMPLE],
        extensions={ERROR_STATUSES_EXTENSION: [404]},
    )
    def delete(self, request: Request, tag: str = "rename", **kwargs: Any) -> Response:
        """`DELETE /tags/rename` is `DELETE /tags/{tag}` for the tag named `rename`."""
        return super().delete(request, tag="rename", **kwargs)
