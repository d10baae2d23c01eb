"""The rules of an idea's fields (SPEC §2), as pure functions shared by services and serializers.

Each `clean_*` returns the normalised value or raises `RuleViolation` with a message and a short
machine-readable code. The OpenAPI patterns beside them describe exactly the same rules, so the
published schema accepts what the API accepts and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from ideas.models import NOTES_MAX_CHARS, TAG_MAX_CHARS, TAGS_MAX_COUNT, TITLE_MAX_CHARS, Priority, Stage

# C0 and C1 control characters (Unicode category Cc), and lone surrogates, which no database
# accepts in text. Notes may keep tab, newline and carriage return; nothing else may.
# Written as regex escapes (not the characters themselves) so the OpenAPI patterns stay readable.
_CONTROL = r"\u0000-\u001f\u007f-\u009f"
_NOTES_CONTROL = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_CONTROL_RE = re.compile(rf"[{_CONTROL}\ud800-\udfff]")
_NOTES_CONTROL_RE = re.compile(rf"[{_NOTES_CONTROL}\ud800-\udfff]")


def trimmed_pattern(max_chars: int) -> str:
    """A regex for text that is 1..max_chars long once surrounding whitespace is trimmed."""
    edge_space = rf"[^\S{_CONTROL}]*"
    solid = rf"[^\s{_CONTROL}]"
    return rf"^{edge_space}{solid}(?:[^{_CONTROL}]{{0,{max_chars - 2}}}{solid})?{edge_space}$"


TITLE_PATTERN = trimmed_pattern(TITLE_MAX_CHARS)
TAG_PATTERN = trimmed_pattern(TAG_MAX_CHARS)
NOTES_PATTERN = rf"^[^{_NOTES_CONTROL}]*$"
PLAIN_TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
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


def has_control_chars(value: str, *, allow_newlines: bool = False) -> bool:
    """True when `value` holds a control character (or a lone surrogate)."""
    return bool((_NOTES_CONTROL_RE if allow_newlines else _CONTROL_RE).search(value))


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


def lower_preserving_length(text: str) -> str:
    """Lower-case `text` without ever making it longer."""
    # Lower-case character by character, keeping the few characters whose lower case is longer
    # (such as "İ") as they are, so normalising never pushes a valid tag over the length limit.
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


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
    return list(dict.fromkeys(clean_tag(item) for item in items))


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
