"""OpenAPI descriptions of the ideas API: parameters, headers, examples and long descriptions.

The envelope and the error responses are added to every operation by `creatorvault.api.openapi`;
what is here describes only the `data` payloads and what is particular to ideas, the trash,
revisions, tags and bulk changes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from creatorvault.api.openapi import IF_NONE_MATCH as IF_NONE_MATCH  # the GETs here take it
from creatorvault.api.openapi import LIST_ETAG as LIST_ETAG
from creatorvault.api.openapi import LIST_PAGE_PARAMETERS as LIST_PAGE_PARAMETERS  # the lists here take them
from creatorvault.api.openapi import link
from creatorvault.text import PLAIN_TEXT_PATTERN
from ideas.models import Priority, Stage
from ideas.rules import TAG_PATTERN
from ideas.selectors.params import ORDERS, SEARCH_MAX_CHARS, SORT_FIELDS, TAGS_PARAM_MAX_CHARS
from ideas.selectors.revisions import MAX_REVISION_NUMBER
from ideas.services.bulk import BULK_MAX_IDS

IDEA_ID = OpenApiParameter(
    "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The idea's id (a malformed id is a 404)."
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    # An empty or blank If-Match lists no entity tag, so none matches (RFC 9110 §13.1.1): the
    # server answers 412; the schema says it is not a valid value rather than promising a write.
    {"type": "string", "minLength": 1, "pattern": r"\S"},
    OpenApiParameter.HEADER,
    required=False,
    description='Write only if the idea is still at this version: its ETag (`"3"`), or `*`. '
    "A mismatch (an empty value included) answers 412 `PRECONDITION_FAILED` and changes nothing.",
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
        "compared after Unicode NFKC normalisation and case folding (`Straße` matches `strasse`). "
        "For a personal access token without `notes:read`, titles only.",
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
    *LIST_PAGE_PARAMETERS,
]

EXAMPLE_IDEA: dict[str, Any] = {
    "id": "0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b",
    "title": "AI Content Tools Research",
    "notes": "Compare the top five tools on price and output quality.",
    "notes_withheld": False,
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
# What a personal access token without `notes:read` gets.
IDEA_NOTES_WITHHELD_EXAMPLE = OpenApiExample(
    "An idea, notes withheld (token without notes:read)",
    value={**EXAMPLE_IDEA, "notes": None, "notes_withheld": True},
    response_only=True,
)
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
    value={
        "ideas": [EXAMPLE_IDEA],
        "pagination": {
            "total": 150,
            "limit": 20,
            "offset": 0,
            "has_more": True,
            "next_cursor": "eyJsIjoiZjNhOWMxIiwiayI6W119:1tQx2B:Xr4n8pQ",
        },
    },
    response_only=True,
)
TAGS_EXAMPLE = OpenApiExample(
    "Tags",
    value={"tags": [{"tag": "blog", "count": 12}, {"tag": "research", "count": 4}]},
    response_only=True,
)


# --- Trash, revisions, tags, bulk -----------------------------------------------------------------

TRASHED_IDEA_ID = OpenApiParameter(
    "id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The id of an idea in the caller's trash (a live, missing or foreign idea is a 404).",
)
REV = OpenApiParameter(
    "rev",
    {"type": "integer", "minimum": 1, "maximum": MAX_REVISION_NUMBER},
    OpenApiParameter.PATH,
    description="The revision's number (`rev` in the revision); a trimmed or unknown one is a 404.",
)
TAG = OpenApiParameter(
    "tag",
    {"type": "string", "pattern": TAG_PATTERN},
    OpenApiParameter.PATH,
    description="The tag, percent-encoded; compared trimmed and lower-cased like stored tags. "
    "(A tag ending in `/`, or the tag `rename`, can also be renamed away with `POST /tags/rename`.)",
)

EXAMPLE_TRASHED = {**EXAMPLE_IDEA, "trashed_at": "2026-01-05T08:00:00Z"}
TRASH_LIST_EXAMPLE = OpenApiExample(
    "The trash",
    value={
        "ideas": [EXAMPLE_TRASHED],
        "pagination": {"total": 1, "limit": 20, "offset": 0, "has_more": False, "next_cursor": None},
    },
    response_only=True,
)
TRASH_EMPTIED_EXAMPLE = OpenApiExample("Emptied", value={"purged": 3}, response_only=True)

EXAMPLE_REVISION: dict[str, Any] = {
    "rev": 2,
    "idea_id": EXAMPLE_IDEA["id"],
    "version": 2,
    "title": "AI tools",
    "notes": "Compare the top five tools.",
    "notes_withheld": False,
    "stage": "idea",
    "tags": ["blog"],
    "priority": "medium",
    "due_date": None,
    "saved_at": "2026-01-04T10:35:00Z",
    "replaced_at": "2026-01-04T11:00:00Z",
    "changed_fields": ["title", "priority"],
}
REVISION_EXAMPLE = OpenApiExample("A revision", value=EXAMPLE_REVISION, response_only=True)
REVISION_LIST_EXAMPLE = OpenApiExample(
    "Revisions, newest first",
    value={
        "revisions": [EXAMPLE_REVISION],
        "pagination": {"total": 1, "limit": 20, "offset": 0, "has_more": False, "next_cursor": None},
    },
    response_only=True,
)

TAG_RENAME_EXAMPLE = OpenApiExample(
    "Rename vlog to video", value={"from": "vlog", "to": "video"}, request_only=True
)
TAG_RENAMED_EXAMPLE = OpenApiExample(
    "Renamed", value={"from": "vlog", "to": "video", "changed": 4}, response_only=True
)
TAG_DELETED_EXAMPLE = OpenApiExample("Removed", value={"tag": "vlog", "changed": 4}, response_only=True)

_IDS = ["0b9c1f9e-5d5c-4f3e-9a71-3c1d2e4f5a6b", "5f0c2b1a-8e7d-4c3b-a291-0e1d2c3b4a59"]
BULK_EXAMPLES = [
    OpenApiExample(
        "Move to draft", value={"ids": _IDS, "action": "set_stage", "value": "draft"}, request_only=True
    ),
    OpenApiExample(
        "Add tags", value={"ids": _IDS, "action": "add_tags", "value": ["video", "q3"]}, request_only=True
    ),
    OpenApiExample("Trash", value={"ids": _IDS, "action": "trash"}, request_only=True),
    OpenApiExample(
        "Result",
        value={"action": "set_stage", "changed": [_IDS[0]], "unchanged": [_IDS[1]]},
        response_only=True,
    ),
]

BULK_DESCRIPTION = f"""Apply one change to up to {BULK_MAX_IDS} of your ideas, **all or nothing**.

Actions: `set_stage` (`value`: a stage), `set_priority` (`value`: a priority), `add_tags` and
`remove_tags` (`value`: a list of tags, normalised like stored tags), `trash` (no `value`).

If any id is not one of your live ideas (someone else's, missing, or in the trash) the answer is
404 `NOT_FOUND` and **nothing changes**; `error.details` has one entry per such id:
`{{"field": "ids[<index in your list>]", "message": "No such idea: <id>.", "type": "not_found"}}`.
`add_tags` that would give an idea more than 20 tags is a 409 `CONFLICT` naming those ideas, and
nothing changes.

Ideas whose content changes get a new version (ETag) and keep their previous content as a
revision; ideas already in the requested state are reported under `unchanged` and left alone.
`trash` moves every listed idea to the trash without a new version (like `DELETE /ideas/{{id}}`)."""

REVISIONS_DESCRIPTION = """Every write that changes an idea's content (title, notes, stage, tags,
priority, due date) keeps the content it replaced as a revision, newest first here. Notes in
revisions are sealed at rest exactly like live notes.

**No folding:** every such write keeps one revision, however quickly it follows the previous one.
**Retention:** each idea keeps its newest `REVISIONS_KEEP` revisions (default 50); older ones are
deleted as new ones arrive. Writes that change no content (repeating current values, trashing,
restoring from the trash) keep no revision. A trashed idea's revisions come back with it."""


# --- Links: what an answer leads to (followed by Schemathesis's stateful phase) --------------------


def _one_idea_links(idea_id: str, etag: str | None) -> dict[str, Any]:
    """The calls open on one idea, its id at `idea_id` (and its current ETag at `etag`)."""
    writes = {"id": idea_id} if etag is None else {"id": idea_id, "header.If-Match": etag}
    return {
        "GetIdea": link("getIdea", {"id": idea_id}),
        "ReplaceIdea": link("replaceIdea", writes),
        "UpdateIdea": link("updateIdea", writes),
        "SetIdeaStage": link("setIdeaStage", writes),
        "DeleteIdea": link("deleteIdea", writes),
        "ListIdeaRevisions": link("listIdeaRevisions", {"id": idea_id}),
    }


#: An answer carrying one idea (`data`) and its `ETag`: create, read, replace, update, restore.
IDEA_LINKS = _one_idea_links("$response.body#/data/id", "$response.header.ETag")
#: Create also leads to the new idea's first tag. (No link to `bulkChangeIdeas`: a link can name
#: one id of its `ids`, and a generator fills in the rest; all or nothing, the change is then a 404
#: that Schemathesis would report as the new idea being unavailable.)
CREATE_LINKS = {**IDEA_LINKS, "DeleteTag": link("deleteTag", {"tag": "$response.body#/data/tags/0"})}
#: A page of ideas leads to its first idea.
LIST_LINKS = _one_idea_links("$response.body#/data/ideas/0/id", None)
#: A trashed idea (after `DELETE /ideas/{id}`, or the first of a trash page) can be restored or purged.
TRASHED_LINKS = {
    "RestoreFromTrash": link("restoreFromTrash", {"id": "$request.path.id"}),
    "PurgeFromTrash": link("purgeFromTrash", {"id": "$request.path.id"}),
}
TRASH_LIST_LINKS = {
    "RestoreFromTrash": link("restoreFromTrash", {"id": "$response.body#/data/ideas/0/id"}),
    "PurgeFromTrash": link("purgeFromTrash", {"id": "$response.body#/data/ideas/0/id"}),
}
#: The newest revision of a revision page can be read and restored.
REVISION_LIST_LINKS = {
    "GetIdeaRevision": link(
        "getIdeaRevision", {"id": "$request.path.id", "rev": "$response.body#/data/revisions/0/rev"}
    ),
    "RestoreIdeaRevision": link(
        "restoreIdeaRevision", {"id": "$request.path.id", "rev": "$response.body#/data/revisions/0/rev"}
    ),
}
#: The caller's most used tag can be removed.
TAG_LIST_LINKS = {"DeleteTag": link("deleteTag", {"tag": "$response.body#/data/tags/0/tag"})}
