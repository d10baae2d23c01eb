"""The assistant's cursor-paginated lists (the AI activity ledger, conversations, messages): one
query parser and one OpenAPI description of `limit` + `cursor`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter

from creatorvault.api.cursor import CURSOR_MAX_CHARS, CURSOR_PATTERN
from creatorvault.api.pagination import DEFAULT_LIMIT, LIMIT, MAX_LIMIT
from creatorvault.api.params import QueryParameters, Text

CURSOR_PAGE = QueryParameters({"limit": LIMIT, "cursor": Text(CURSOR_MAX_CHARS)})


def cursor_page_parameters(*, first: str) -> list[OpenApiParameter]:
    """`limit` and `cursor` as documented query parameters; `first` names the page a missing cursor gives."""
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            OpenApiParameter.QUERY,
        ),
        OpenApiParameter(
            "cursor",
            {"type": "string", "maxLength": CURSOR_MAX_CHARS, "pattern": CURSOR_PATTERN},
            OpenApiParameter.QUERY,
            description=f"`pagination.next_cursor` of the previous page; omit for the {first} page. "
            "A cursor this server did not issue for this list is a 400.",
        ),
    ]


def cursor_page_args(query: dict[str, list[str]]) -> tuple[int, str | None]:
    """`(limit, cursor)` of a list request's query string (a 400 naming a bad parameter)."""
    values = CURSOR_PAGE.parse(query)
    return values.get("limit", DEFAULT_LIMIT), values.get("cursor") or None


def cursor_pagination(page: Any) -> dict[str, Any]:
    """The `pagination` object of a cursor page."""
    return {"limit": page.limit, "next_cursor": page.next_cursor, "has_more": page.has_more}
