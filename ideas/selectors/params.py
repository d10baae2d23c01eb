"""What a list of ideas is filtered, sorted and paged by (SPEC §3), declared once.

`IDEA_LIST_PARAMETERS` is the declaration the API parses the query string with
(`parse_idea_list_params`); anything else that lists ideas (the assistant's tools) builds
`IdeaListParams` directly. Unknown, repeated and malformed parameters are refused by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from creatorvault.api.pagination import CURSOR, DEFAULT_LIMIT, LIMIT, OFFSET
from creatorvault.api.params import Choice, Custom, QueryParameters, Text
from creatorvault.text import lower_preserving_length
from ideas.models import Priority, Stage
from ideas.rules import unique_tags

SORT_FIELDS: tuple[str, ...] = ("created_at", "updated_at", "title", "priority", "stage", "due_date")
ORDERS: tuple[str, ...] = ("asc", "desc")
SEARCH_MAX_CHARS = 200
TAGS_PARAM_MAX_CHARS = 2000


@dataclass(frozen=True)
class IdeaListParams:
    """What a list of ideas is filtered, sorted and paginated by."""

    stage: str | None = None
    priority: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    search: str | None = None
    sort: str = "created_at"
    order: str = "desc"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    #: The opaque cursor of the next page (`next_cursor` of the previous one); wins over `offset`.
    cursor: str | None = None


_SEARCH_TEXT = Text(SEARCH_MAX_CHARS)
_TAGS_TEXT = Text(TAGS_PARAM_MAX_CHARS)


def _search(raw: str) -> str | None:
    """Surrounding space is ignored; an empty search means no filter."""
    return _SEARCH_TEXT.parse(raw).strip() or None


def _tags(raw: str) -> tuple[str, ...]:
    """Comma-separated, each trimmed and lower-cased like stored tags; empty items skipped."""
    items = (lower_preserving_length(item.strip()) for item in _TAGS_TEXT.parse(raw).split(","))
    return tuple(unique_tags(tag for tag in items if tag))


IDEA_LIST_PARAMETERS = QueryParameters(
    {
        "stage": Choice(Stage.values),
        "priority": Choice(Priority.values),
        "tags": Custom(_tags),
        "search": Custom(_search),
        "sort": Choice(SORT_FIELDS),
        "order": Choice(ORDERS),
        "limit": LIMIT,
        "offset": OFFSET,
        "cursor": CURSOR,
    }
)


def parse_idea_list_params(query: Mapping[str, Sequence[str]]) -> IdeaListParams:
    """Parse a query string (`{name: [values]}`, e.g. a `QueryDict`'s `lists()`) into params."""
    values: dict[str, Any] = IDEA_LIST_PARAMETERS.parse(query)
    return IdeaListParams(**values)
