"""The list parameters of ideas (SPEC §3), parsed once into `IdeaListParams`.

`parse_idea_list_params` is the one parser: the API view hands it the query string, anything else
that lists ideas builds `IdeaListParams` directly. Unknown parameters, repeated parameters and
bad values are refused with a `ValidationFailed` whose details name each offending parameter:
nothing is silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from creatorvault.errors import ValidationFailed
from ideas.models import Priority, Stage
from ideas.validation import has_control_chars, lower_preserving_length

SortField = Literal["created_at", "updated_at", "title", "priority", "stage", "due_date"]
SORT_FIELDS: tuple[str, ...] = ("created_at", "updated_at", "title", "priority", "stage", "due_date")
ORDERS: tuple[str, ...] = ("asc", "desc")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# OFFSET beyond this is refused rather than handed to the database (SQLite's integers are 64-bit).
MAX_OFFSET = 1_000_000_000
SEARCH_MAX_CHARS = 200
TAGS_PARAM_MAX_CHARS = 2000
_DIGITS = re.compile(r"^[0-9]{1,12}$")


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


PARAM_NAMES = frozenset({"stage", "priority", "tags", "search", "sort", "order", "limit", "offset"})


def _error(name: str, message: str, code: str = "invalid") -> dict[str, Any]:
    return {"field": name, "message": message, "type": code}


def _choice(name: str, raw: str, choices: Sequence[str], errors: list[dict[str, Any]]) -> str | None:
    if raw in choices:
        return raw
    errors.append(_error(name, f"Must be one of: {', '.join(choices)}.", "invalid_choice"))
    return None


def _integer(name: str, raw: str, low: int, high: int, errors: list[dict[str, Any]]) -> int | None:
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        errors.append(_error(name, f"Must be an integer from {low} to {high}.", "invalid"))
        return None
    return int(raw)


def _text(name: str, raw: str, max_chars: int, errors: list[dict[str, Any]]) -> str | None:
    if has_control_chars(raw):
        errors.append(_error(name, "Must not contain control characters.", "control_characters"))
        return None
    if len(raw) > max_chars:
        errors.append(_error(name, f"Ensure this has no more than {max_chars} characters.", "max_length"))
        return None
    return raw


def parse_idea_list_params(query: Mapping[str, Sequence[str]]) -> IdeaListParams:
    """Parse a query string (`{name: [values]}`, e.g. a `QueryDict`'s `lists()`) into params.

    `tags` is comma-separated; each tag is trimmed and lower-cased like stored tags, empty items
    are skipped. An empty `search` or `tags` means no filter.
    """
    errors: list[dict[str, Any]] = []
    values: dict[str, str] = {}
    for name, raw_values in query.items():
        if name not in PARAM_NAMES:
            errors.append(
                _error(name, f"Unknown query parameter. Known: {', '.join(sorted(PARAM_NAMES))}.", "unknown")
            )
        elif len(raw_values) != 1:
            errors.append(_error(name, "Give this parameter once.", "repeated"))
        else:
            values[name] = raw_values[0]

    parsed: dict[str, Any] = {}
    if "stage" in values:
        parsed["stage"] = _choice("stage", values["stage"], Stage.values, errors)
    if "priority" in values:
        parsed["priority"] = _choice("priority", values["priority"], Priority.values, errors)
    if "sort" in values:
        parsed["sort"] = _choice("sort", values["sort"], SORT_FIELDS, errors)
    if "order" in values:
        parsed["order"] = _choice("order", values["order"], ORDERS, errors)
    if "limit" in values:
        parsed["limit"] = _integer("limit", values["limit"], 1, MAX_LIMIT, errors)
    if "offset" in values:
        parsed["offset"] = _integer("offset", values["offset"], 0, MAX_OFFSET, errors)
    if "search" in values:
        search = _text("search", values["search"], SEARCH_MAX_CHARS, errors)
        parsed["search"] = search.strip() or None if search is not None else None
    if "tags" in values:
        raw_tags = _text("tags", values["tags"], TAGS_PARAM_MAX_CHARS, errors) or ""
        tags = (lower_preserving_length(item.strip()) for item in raw_tags.split(","))
        parsed["tags"] = tuple(dict.fromkeys(tag for tag in tags if tag))
    if errors:
        names = ", ".join(dict.fromkeys(error["field"] for error in errors))
        raise ValidationFailed(f"Invalid query parameter: {names}.", details=errors)
    return IdeaListParams(**parsed)
