"""`GET /api/v1/users/me/ai-activity`: the caller's AI activity ledger, newest first."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from assistant.api.paging import cursor_page_args, cursor_page_parameters, cursor_pagination
from assistant.api.serializers import AIActivityPageSerializer
from assistant.selectors import activity_page
from creatorvault.api.scopes import Access
from creatorvault.api.views import ApiView

EXAMPLE_ROW = {
    "at": "2026-01-04T10:30:00.123456Z",
    "surface": "mcp",
    "tool": "get_idea",
    "idea_ids": ["0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b"],
    "fields_returned": ["title", "stage", "priority", "tags", "due_date"],
    "fields_changed": [],
    "client_name": "claude-ai",
    "credential": "personal_token",
    "token_ref": "cvp_k3T9xQ2mL8vR4nW1",
    "outcome": "ok",
    "error_code": "",
    "request_id": "req_3f2a9c1d4b5e6f708192a3b4",
}


class AIActivityView(ApiView):
    """The caller's AI activity ledger."""

    reads_query_parameters = True
    # The creator's oversight of AI clients: a signed-in session, never one of those clients' tokens.
    required_scope = Access.FULL_ACCESS_ONLY

    @extend_schema(
        operation_id="listAiActivity",
        summary="What AI clients did with your ideas",
        description=(
            "Every tool call an AI client made on your ideas (MCP clients such as Claude, Cursor or "
            "ChatGPT, and CreatorVault's chat), newest first: the tool, the ideas it touched, which "
            "fields it returned or changed, the client and the credential, the outcome, the time. "
            "Never any content: no titles, notes, search terms or arguments. Cursor-paginated: send "
            "`pagination.next_cursor` back as `cursor` for the next page; pages stay right while new "
            "calls are recorded. The ledger is in your export and goes with erasure."
        ),
        parameters=cursor_page_parameters(first="newest"),
        responses={200: AIActivityPageSerializer},
        examples=[
            OpenApiExample(
                "A page of the ledger",
                value={
                    "activity": [EXAMPLE_ROW],
                    "pagination": {"limit": 20, "next_cursor": None, "has_more": False},
                },
                response_only=True,
            )
        ],
        tags=["users"],
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        """A page of the ledger."""
        limit, cursor = cursor_page_args(dict(request.query_params.lists()))
        page = activity_page(owner=self.caller, limit=limit, cursor=cursor)
        body = {"activity": page.items, "pagination": cursor_pagination(page)}
        return Response(AIActivityPageSerializer(body).data)
