"""OpenAPI descriptions of the ideas API: parameters, headers, examples, strict request bodies.

The envelope and the error responses are added to every operation by `creatorvault.schema`;
what is here describes only the `data` payloads and what is particular to ideas.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from ideas.filters import MAX_LIMIT, MAX_OFFSET, ORDERS, SEARCH_MAX_CHARS, SORT_FIELDS, TAGS_PARAM_MAX_CHARS
from ideas.models import Priority, Stage
from ideas.validation import PLAIN_TEXT_PATTERN


class StrictInputSerializerExtension(OpenApiSerializerExtension):
    """Request bodies declare `additionalProperties: false`: unknown fields are refused."""

    target_class = "ideas.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


IDEA_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The idea's id (a malformed id is a 404)."
)
USER_ID = OpenApiParameter(
    "user_id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Must be the caller's own user id; any other answers 403 `FORBIDDEN`.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='Write only if the idea is still at this version: its ETag (`"3"`), or `*`. '
    "A mismatch answers 412 `PRECONDITION_FAILED` and changes nothing.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The idea\'s current version as a strong entity tag (`"3"`); send it back in If-Match.',
)
LOCATION = OpenApiParameter(
    "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[201], description="The new idea's URL."
)


def _text_param(name: str, max_chars: int, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "string", "maxLength": max_chars, "pattern": PLAIN_TEXT_PATTERN},
        OpenApiParameter.QUERY,
        description=description,
    )


LIST_PARAMETERS = [
    OpenApiParameter("stage", {"type": "string", "enum": list(Stage.values)}, OpenApiParameter.QUERY),
    OpenApiParameter("priority", {"type": "string", "enum": list(Priority.values)}, OpenApiParameter.QUERY),
    _text_param(
        "tags",
        TAGS_PARAM_MAX_CHARS,
        "Comma-separated tags; an idea must carry every one (compared trimmed and lower-cased).",
    ),
    _text_param(
        "search",
        SEARCH_MAX_CHARS,
        "Case-insensitive search. An idea matches when its **title contains** the text (any substring), "
        "**or** its **notes contain every word** of it as a **whole word** (in any order). Notes are "
        "sealed at rest and searched through a keyed word index, so parts of words do not match in notes: "
        '`search=keep` finds the title "Beekeeping" but not the note word "beekeeping". Words are '
        "compared after Unicode NFKC normalisation and case folding (`Straße` matches `strasse`).",
    ),
    OpenApiParameter(
        "sort",
        {"type": "string", "enum": list(SORT_FIELDS), "default": "created_at"},
        OpenApiParameter.QUERY,
        description="Sort key. `priority` runs low < medium < high and `stage` idea < outline < draft < "
        "published; ties are broken by id. Ideas without a due date come last either way.",
    ),
    OpenApiParameter(
        "order",
        {"type": "string", "enum": list(ORDERS), "default": "desc"},
        OpenApiParameter.QUERY,
        description="Sort direction (default `desc`, newest first).",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
        OpenApiParameter.QUERY,
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        OpenApiParameter.QUERY,
    ),
]

EXAMPLE_IDEA: dict[str, Any] = {
    "id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b",
    "title": "AI Content Tools Research",
    "notes": "Compare the top five tools on price and output quality.",
    "stage": "idea",
    "tags": ["blog", "research"],
    "priority": "high",
    "due_date": None,
    "user_id": "fhzY2fZT2Gc3lXUD0bism5ydcHaoyNPQ",
    "created_at": "2026-01-04T10:30:00Z",
    "updated_at": "2026-01-04T10:30:00Z",
    "version": 1,
}
IDEA_EXAMPLE = OpenApiExample("An idea", value=EXAMPLE_IDEA, response_only=True)
CREATE_EXAMPLE = OpenApiExample(
    "New idea",
    value={
        "title": "AI Content Tools Research",
        "notes": "Compare the top five tools on price and output quality.",
        "tags": ["Blog", "research"],
        "priority": "high",
    },
    request_only=True,
)
PATCH_EXAMPLE = OpenApiExample(
    "Retitle and reprioritise", value={"title": "AI tools", "priority": "low"}, request_only=True
)
STAGE_EXAMPLE = OpenApiExample("Move to draft", value={"stage": "draft"}, request_only=True)
LIST_EXAMPLE = OpenApiExample(
    "A page of ideas",
    value={"ideas": [EXAMPLE_IDEA], "pagination": {"total": 150, "limit": 20, "offset": 0, "has_more": True}},
    response_only=True,
)
TAGS_EXAMPLE = OpenApiExample(
    "Tags",
    value={"tags": [{"tag": "blog", "count": 12}, {"tag": "research", "count": 4}]},
    response_only=True,
)
