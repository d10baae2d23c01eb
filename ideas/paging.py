"""`limit` and `offset`, parsed once for the lists that take nothing else (trash, revisions).

The same bounds and messages as the ideas list (`ideas.filters`): unknown, repeated or malformed
parameters are a 400 naming each one, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creatorvault.errors import ValidationFailed
from ideas.filters import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

_DIGITS = re.compile(r"^[0-9]{1,12}$")
_BOUNDS = {"limit": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET)}


@dataclass(frozen=True)
class PageParams:
    """Which slice of a list to answer."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0


@dataclass(frozen=True)
class Pagination:
    """Where a page sits in the whole list (the `pagination` object of every list)."""

    total: int
    limit: int
    offset: int
    count: int

    @property
    def has_more(self) -> bool:
        """True when items follow this page."""
        return self.offset + self.count < self.total

    def as_dict(self) -> dict[str, Any]:
        """The `pagination` object of the API."""
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "has_more": self.has_more}


def parse_page_params(query: Mapping[str, Sequence[str]]) -> PageParams:
    """Parse `{name: [values]}` (a `QueryDict`'s `lists()`) into `PageParams`."""
    errors: list[dict[str, Any]] = []
    values: dict[str, int] = {}
    for name, raw_values in query.items():
        if name not in _BOUNDS:
            errors.append({"field": name, "message": "Unknown query parameter.", "type": "unknown"})
            continue
        if len(raw_values) != 1:
            errors.append({"field": name, "message": "Give this parameter once.", "type": "repeated"})
            continue
        low, high = _BOUNDS[name]
        raw = raw_values[0]
        if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
            errors.append(
                {"field": name, "message": f"Must be an integer from {low} to {high}.", "type": "invalid"}
            )
            continue
        values[name] = int(raw)
    if errors:
        raise ValidationFailed(f"Invalid query parameter: {errors[0]['field']}.", details=errors)
    return PageParams(**values)
