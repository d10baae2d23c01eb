"""The view of bulk changes (`/ideas/bulk`, also under `/{user_id}/ideas/bulk`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from creatorvault.api.openapi import ERROR_STATUSES_EXTENSION
from creatorvault.api.views import user_path_variant
from ideas.api import openapi as docs
from ideas.api.serializers.bulk import IdeaBulkResultSerializer, IdeaBulkSerializer
from ideas.api.views.base import IDEAS_SCOPES, IdeasApiView
from ideas.services.bulk import ideas_bulk_apply

IDEAS_TAG = ["ideas"]


class IdeaBulkView(IdeasApiView):
    """`/ideas/bulk`: one change to many ideas, all or nothing."""

    required_scope = IDEAS_SCOPES

    @extend_schema(
        operation_id="bulkChangeIdeas",
        summary="Change many ideas at once",
        description=docs.BULK_DESCRIPTION,
        tags=IDEAS_TAG,
        request=IdeaBulkSerializer,
        responses={200: IdeaBulkResultSerializer},
        examples=docs.BULK_EXAMPLES,
        extensions={ERROR_STATUSES_EXTENSION: [404, 409]},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        """Apply the change."""
        serializer = IdeaBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = ideas_bulk_apply(owner=self.caller, **serializer.validated_data)
        return Response(IdeaBulkResultSerializer(result).data)


UserIdeaBulkView = user_path_variant(IdeaBulkView)
