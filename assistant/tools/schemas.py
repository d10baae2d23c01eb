"""The JSON Schemas of the tools' arguments and results, written for a model to read.

Every argument has a description and its limits (the same rules as the API: SPEC §2), every
result an output schema that the structured content always satisfies. Descriptions are short on
purpose: the whole `tools/list` answer is a cost paid in every conversation (its token budget is
tested in `assistant/tests/test_mcp_tools_list.py`).
"""

from __future__ import annotations

from typing import Any

from assistant.tools.base import FORMAT_WORDS
from creatorvault.api.cursor import CURSOR_MAX_CHARS
from ideas.models import NOTES_MAX_CHARS, TAG_MAX_CHARS, TAGS_MAX_COUNT, TITLE_MAX_CHARS, Priority, Stage
from ideas.selectors.params import ORDERS, SEARCH_MAX_CHARS, SORT_FIELDS

#: The largest version an idea can have (a positive 32-bit integer column).
MAX_VERSION = 2_147_483_647
#: The longest due date accepted (RFC 3339 with microseconds and an offset).
DUE_DATE_MAX_CHARS = 40
#: The most items one page of a list tool returns.
MAX_PAGE = 50
DEFAULT_PAGE = 20

FORMAT_WORDS["uuid"] = "an idea id (a UUID, as list_ideas and search_ideas return them)"
FORMAT_WORDS["date-time"] = "an ISO 8601 date-time with a timezone, such as 2026-01-04T10:30:00Z"


def obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema; arguments objects refuse unknown keys."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def out(properties: dict[str, Any]) -> dict[str, Any]:
    """A result object schema: every property is always present."""
    return {"type": "object", "properties": properties, "required": list(properties)}


# --- Arguments -------------------------------------------------------------------------------------

IDEA_ID = {"type": "string", "format": "uuid", "maxLength": 36, "description": "The idea's id."}
VERSION = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_VERSION,
    "description": "The idea's version as you last read it; refused if it changed since.",
}
STAGE = {"type": "string", "enum": list(Stage.values), "description": "Pipeline stage."}
PRIORITY = {"type": "string", "enum": list(Priority.values), "description": "Priority."}
TAG = {"type": "string", "minLength": 1, "maxLength": TAG_MAX_CHARS, "description": "A tag."}
TAGS_FILTER = {
    "type": "array",
    "items": TAG,
    "maxItems": TAGS_MAX_COUNT,
    "description": "Only ideas carrying every one of these tags.",
}
TAGS = {
    "type": "array",
    "items": TAG,
    "maxItems": TAGS_MAX_COUNT,
    "description": "Tags (lower-cased, duplicates dropped).",
}
TITLE = {"type": "string", "minLength": 1, "maxLength": TITLE_MAX_CHARS, "description": "The title."}
NOTES = {"type": "string", "maxLength": NOTES_MAX_CHARS, "description": "Free text notes (private)."}
DUE_DATE = {
    "type": ["string", "null"],
    "format": "date-time",
    "maxLength": DUE_DATE_MAX_CHARS,
    "description": "ISO 8601 with timezone.",
}
LIMIT = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_PAGE,
    "default": DEFAULT_PAGE,
    "description": "Items per page.",
}
CURSOR = {
    "type": "string",
    "minLength": 1,
    "maxLength": CURSOR_MAX_CHARS,
    "description": "next_cursor of the previous page (same other arguments).",
}
INCLUDE_NOTES = {
    "type": "boolean",
    "default": False,
    "description": "Ask for the notes; set only if the creator asked you to read them.",
}

LIST_IDEAS_INPUT = obj(
    {
        "stage": STAGE,
        "priority": PRIORITY,
        "tags": TAGS_FILTER,
        "sort": {
            "type": "string",
            "enum": list(SORT_FIELDS),
            "default": "created_at",
            "description": "Sort key.",
        },
        "order": {"type": "string", "enum": list(ORDERS), "default": "desc", "description": "Direction."},
        "in_trash": {"type": "boolean", "default": False, "description": "List the trash instead."},
        "limit": LIMIT,
        "cursor": CURSOR,
    }
)
SEARCH_IDEAS_INPUT = obj(
    {
        "query": {
            "type": "string",
            "minLength": 1,
            "maxLength": SEARCH_MAX_CHARS,
            "description": "Words to find: substrings of titles, whole words of notes.",
        },
        "stage": STAGE,
        "priority": PRIORITY,
        "tags": TAGS_FILTER,
        "limit": LIMIT,
        "cursor": CURSOR,
    },
    required=("query",),
)
GET_IDEA_INPUT = obj({"idea_id": IDEA_ID, "include_notes": INCLUDE_NOTES}, required=("idea_id",))
ADD_IDEA_INPUT = obj(
    {
        "title": TITLE,
        "notes": NOTES,
        "stage": {**STAGE, "default": Stage.IDEA},
        "tags": TAGS,
        "priority": {**PRIORITY, "default": Priority.MEDIUM},
        "due_date": DUE_DATE,
    },
    required=("title",),
)
UPDATE_IDEA_INPUT = obj(
    {
        "idea_id": IDEA_ID,
        "version": VERSION,
        "title": TITLE,
        "notes": {**NOTES, "description": "Replaces the notes."},
        "tags": {**TAGS, "description": "Replaces the tags."},
        "priority": PRIORITY,
        "due_date": {**DUE_DATE, "description": "ISO 8601 with timezone; null clears it."},
    },
    required=("idea_id", "version"),
)
CHANGE_STAGE_INPUT = obj(
    {"idea_id": IDEA_ID, "stage": STAGE, "version": {**VERSION, "description": "Optional version check."}},
    required=("idea_id", "stage"),
)
DELETE_IDEA_INPUT = obj(
    {"idea_id": IDEA_ID, "version": {**VERSION, "description": "Optional version check."}},
    required=("idea_id",),
)
RESTORE_IDEA_INPUT = obj({"idea_id": IDEA_ID}, required=("idea_id",))
LIST_TAGS_INPUT = obj({"limit": LIMIT, "cursor": CURSOR})

# --- Results ---------------------------------------------------------------------------------------

NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": {"type": "string"}}
IDEA_SUMMARY_PROPERTIES: dict[str, Any] = {
    "id": {"type": "string"},
    "title": {"type": "string"},
    "stage": {"type": "string"},
    "priority": {"type": "string"},
    "tags": STRINGS,
    "due_date": NULLABLE_STRING,
    "has_notes": {"type": "boolean"},
    "version": {"type": "integer"},
    "updated_at": {"type": "string"},
}
IDEA_SUMMARY = out(IDEA_SUMMARY_PROPERTIES)
PAGE_PROPERTIES: dict[str, Any] = {
    "total": {"type": "integer"},
    "next_cursor": NULLABLE_STRING,
    "has_more": {"type": "boolean"},
}

LIST_IDEAS_OUTPUT = out({"ideas": {"type": "array", "items": IDEA_SUMMARY}, **PAGE_PROPERTIES})
SEARCH_IDEAS_OUTPUT = out(
    {
        "ideas": {
            "type": "array",
            "items": out(
                {
                    **IDEA_SUMMARY_PROPERTIES,
                    "matched_in": {"type": "array", "items": {"type": "string", "enum": ["title", "notes"]}},
                }
            ),
        },
        **PAGE_PROPERTIES,
    }
)
GET_IDEA_OUTPUT = out(
    {
        **IDEA_SUMMARY_PROPERTIES,
        "created_at": {"type": "string"},
        "notes": {**NULLABLE_STRING, "description": "Null when withheld."},
        "notes_withheld": {**NULLABLE_STRING, "description": "Why notes are withheld, how to allow them."},
    }
)
# Writes return the idea as the lists do; described once there, referred to here (tools/list is
# paid for in every conversation).
IDEA_AS_LISTED = {"type": "object", "description": "The idea, as list_ideas shows it."}
WRITE_OUTPUT = out({"idea": IDEA_AS_LISTED, "changed": {**STRINGS, "description": "Fields changed."}})
DELETE_OUTPUT = out({"idea": IDEA_AS_LISTED, "trashed_at": {"type": "string"}})
RESTORE_OUTPUT = out({"idea": IDEA_AS_LISTED})
LIST_TAGS_OUTPUT = out(
    {
        "tags": {"type": "array", "items": out({"tag": {"type": "string"}, "count": {"type": "integer"}})},
        **PAGE_PROPERTIES,
    }
)
