"""The rules of an idea's fields (SPEC §2), as pure functions shared by services and serializers.

Each `clean_*` returns the normalised value or raises `RuleViolation` with a message and a short
machine-readable code. The OpenAPI patterns beside them describe exactly the same rules, so the
published schema accepts what the API accepts and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from creatorvault.text import (
    MULTILINE_TEXT_PATTERN,
    has_control_chars,
    lower_preserving_length,
    trimmed_pattern,
)
from ideas.models import NOTES_MAX_CHARS, TAG_MAX_CHARS, TAGS_MAX_COUNT, TITLE_MAX_CHARS, Priority, Stage

TITLE_PATTERN = trimmed_pattern(TITLE_MAX_CHARS)
TAG_PATTERN = trimmed_pattern(TAG_MAX_CHARS)
NOTES_PATTERN = MULTILINE_TEXT_PATTERN
# RFC 3339 with a mandatory offset; years 1000-9998 so every value has a UTC equivalent.
DUE_DATE_MIN_YEAR = 1000
DUE_DATE_MAX_YEAR = 9998
DUE_DATE_PATTERN = (
    r"^(?:[1-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]{1,6})?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_DUE_DATE_RE = re.compile(DUE_DATE_PATTERN)


class RuleViolation(ValueError):
    """A value breaks one of the field rules."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _require_str(value: object) -> str:
    if not isinstance(value, str):
        raise RuleViolation("Must be a string.", "invalid")
    return value


def clean_title(value: object) -> str:
    """Trimmed title of 1..200 characters without control characters."""
    text = _require_str(value)
    if has_control_chars(text):
        raise RuleViolation("Must not contain control characters.", "control_characters")
    text = text.strip()
    if not text:
        raise RuleViolation("This field may not be blank.", "blank")
    if len(text) > TITLE_MAX_CHARS:
        raise RuleViolation(f"Ensure this field has no more than {TITLE_MAX_CHARS} characters.", "max_length")
    return text


def clean_notes(value: object) -> str:
    """Notes as written (not trimmed), up to 5,000 characters; tab and newlines allowed."""
    text = _require_str(value)
    if has_control_chars(text, allow_newlines=True):
        raise RuleViolation(
            "Must not contain control characters other than tab and newline.", "control_characters"
        )
    if len(text) > NOTES_MAX_CHARS:
        raise RuleViolation(f"Ensure this field has no more than {NOTES_MAX_CHARS} characters.", "max_length")
    return text


def clean_tag(value: object) -> str:
    """One tag: trimmed, lower-cased, 1..50 characters, no control characters."""
    text = _require_str(value)
    if has_control_chars(text):
        raise RuleViolation("Must not contain control characters.", "control_characters")
    text = lower_preserving_length(text.strip())
    if not text:
        raise RuleViolation("A tag may not be blank.", "blank")
    if len(text) > TAG_MAX_CHARS:
        raise RuleViolation(f"Ensure each tag has no more than {TAG_MAX_CHARS} characters.", "max_length")
    return text


def clean_tags(values: object) -> list[str]:
    """At most 20 tags, each cleaned, duplicates dropped, first-seen order kept."""
    if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
        raise RuleViolation("Must be a list of strings.", "not_a_list")
    items = list(values)
    if len(items) > TAGS_MAX_COUNT:
        raise RuleViolation(f"Ensure there are no more than {TAGS_MAX_COUNT} tags.", "max_length")
    return unique_tags(clean_tag(item) for item in items)


def unique_tags(tags: Iterable[str]) -> list[str]:
    """`tags` without repeats, each kept where it first appears (tags are compared normalised)."""
    return list(dict.fromkeys(tags))


def clean_stage(value: object) -> str:
    """One of the pipeline stages."""
    if not isinstance(value, str) or value not in Stage.values:
        raise RuleViolation(f"Must be one of: {', '.join(Stage.values)}.", "invalid_choice")
    return value


def clean_priority(value: object) -> str:
    """One of the priorities."""
    if not isinstance(value, str) or value not in Priority.values:
        raise RuleViolation(f"Must be one of: {', '.join(Priority.values)}.", "invalid_choice")
    return value


def parse_due_date(value: object) -> datetime | None:
    """An RFC 3339 date-time with an offset (or null), returned in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise RuleViolation("Must be timezone-aware.", "naive_datetime")
        parsed = value
    else:
        text = _require_str(value)
        if not _DUE_DATE_RE.match(text):
            raise RuleViolation(
                "Must be an ISO 8601 date-time with a timezone, such as 2026-01-04T10:30:00Z "
                f"(years {DUE_DATE_MIN_YEAR}-{DUE_DATE_MAX_YEAR}).",
                "invalid",
            )
        try:
            parsed = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            raise RuleViolation("Not a valid date-time.", "invalid") from None
    if not DUE_DATE_MIN_YEAR <= parsed.year <= DUE_DATE_MAX_YEAR:
        raise RuleViolation(
            f"The year must be between {DUE_DATE_MIN_YEAR} and {DUE_DATE_MAX_YEAR}.", "invalid"
        )
    return parsed.astimezone(UTC)
