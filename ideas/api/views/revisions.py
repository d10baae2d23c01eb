"""Views of an idea's revisions (`/ideas/{id}/revisions…`, also under `/{user_id}/ideas/…`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.api.openapi import LINKS_EXTENSION
from creatorvault.api.pagination import parse_list_page_params
from creatorvault.api.views import user_path_variant
from ideas.api import openapi as docs
from ideas.api.serializers.ideas import IdeaSerializer
from ideas.api.serializers.revisions import RevisionListSerializer, RevisionSerializer
from ideas.api.views.base import IDEAS_SCOPES, IdeasApiView
from ideas.selectors.revisions import revision_get, revision_list
from ideas.services.revisions import revision_restore

REVISIONS_TAG = ["revisions"]


class IdeaRevisionListView(IdeasApiView):
    """`/ideas/{id}/revisions`: an idea's earlier contents."""

    required_scope = IDEAS_SCOPES

    reads_query_parameters = True

    @extend_schema(
        operation_id="listIdeaRevisions",
        summary="List an idea's revisions",
        description=docs.REVISIONS_DESCRIPTION,
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, *docs.LIST_PAGE_PARAMETERS, docs.IF_NONE_MATCH, docs.LIST_ETAG],
        responses={200: RevisionListSerializer},
        examples=[docs.REVISION_LIST_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.REVISION_LIST_LINKS}},
    )
    def get(self, request: Request, id: str, **kwargs: Any) -> Response:
        """A page of revisions, newest first."""
        page = parse_list_page_params(dict(request.query_params.lists()))
        result = revision_list(owner=self.caller, idea_id=id, page=page)
        data = {"revisions": result.items, "pagination": result.pagination}
        return self.list_response(RevisionListSerializer(data, context=self.serializer_context()).data)


class IdeaRevisionDetailView(IdeasApiView):
    """`/ideas/{id}/revisions/{rev}`: one earlier content."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="getIdeaRevision",
        summary="Get a revision",
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, docs.REV],
        responses={200: RevisionSerializer},
        examples=[docs.REVISION_EXAMPLE],
    )
    def get(self, request: Request, id: str, rev: str, **kwargs: Any) -> Response:
        """One revision."""
        revision = revision_get(owner=self.caller, idea_id=id, number=rev)
        return Response(RevisionSerializer(revision, context=self.serializer_context()).data)


class IdeaRevisionRestoreView(IdeasApiView):
    """`/ideas/{id}/revisions/{rev}/restore`: make an earlier content current."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="restoreIdeaRevision",
        summary="Restore a revision",
        description="Make the revision's content (title, notes, stage, tags, priority, due date) the "
        "idea's current content. This is a write like any other: it honours `If-Match`, gives the idea "
        "a new version, and keeps the content it replaces as a new revision.",
        tags=REVISIONS_TAG,
        parameters=[docs.IDEA_ID, docs.REV, docs.IF_MATCH, docs.ETAG],
        request=None,
        responses={200: IdeaSerializer},
        examples=[docs.IDEA_EXAMPLE],
        extensions={LINKS_EXTENSION: {200: docs.IDEA_LINKS}},
    )
    def post(self, request: Request, id: str, rev: str, **kwargs: Any) -> Response:
        """Restore one revision."""
        idea = revision_restore(owner=self.caller, idea_id=id, number=rev, if_match=self.if_match())
        return self.idea_response(idea)


UserIdeaRevisionListView = user_path_variant(IdeaRevisionListView)
UserIdeaRevisionDetailView = user_path_variant(IdeaRevisionDetailView)
UserIdeaRevisionRestoreView = user_path_variant(IdeaRevisionRestoreView)
