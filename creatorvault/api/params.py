"""The one query-string parser of the API: declared parameters, each parsed and checked once.

A view declares the parameters it reads (`QueryParameters({"stage": Choice(...), ...})`) and gets
their values, or one `ValidationFailed` whose details name every offending parameter: unknown,
repeated and malformed parameters are refused, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from creatorvault.errors import ValidationFailed, field_error
from creatorvault.text import has_control_chars

_DIGITS = re.compile(r"^[0-9]{1,12}$")


class ParameterRefused(ValueError):
    """A parameter's value breaks its rule: `message` and a short machine-readable `type`."""

    def __init__(self, message: str, type: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.type = type


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of strings."""

    choices: Sequence[str]

    def parse(self, raw: str) -> str:
        """`raw` if it is one of the choices."""
        if raw not in self.choices:
            raise ParameterRefused(f"Must be one of: {', '.join(self.choices)}.", "invalid_choice")
        return raw


@dataclass(frozen=True)
class Integer:
    """A decimal integer from `low` to `high` (digits only: no sign, space or newline)."""

    low: int
    high: int

    def parse(self, raw: str) -> int:
        """The integer `raw` spells, within bounds."""
        if not _DIGITS.fullmatch(raw) or not self.low <= int(raw) <= self.high:
            raise ParameterRefused(f"Must be an integer from {self.low} to {self.high}.")
        return int(raw)


@dataclass(frozen=True)
class Text:
    """One line of text without control characters, at most `max_chars` long."""

    max_chars: int

    def parse(self, raw: str) -> str:
        """`raw`, checked."""
        if has_control_chars(raw):
            raise ParameterRefused("Must not contain control characters.", "control_characters")
        if len(raw) > self.max_chars:
            raise ParameterRefused(f"Ensure this has no more than {self.max_chars} characters.", "max_length")
        return raw


@dataclass(frozen=True)
class Custom:
    """Any rule: `parse(raw)` returns the value or raises `ParameterRefused`."""

    parse: Callable[[str], Any]


Parameter = Choice | Integer | Text | Custom


@dataclass(frozen=True)
class QueryParameters:
    """The query parameters one operation accepts, by name."""

    parameters: Mapping[str, Parameter]

    def parse(self, query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
        """Parse `{name: [values]}` (a `QueryDict`'s `lists()`) into `{name: value}` for those given."""
        errors: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        known = ", ".join(sorted(self.parameters))
        for name, raw_values in query.items():
            parameter = self.parameters.get(name)
            if parameter is None:
                errors.append(field_error(name, f"Unknown query parameter. Known: {known}.", "unknown"))
            elif len(raw_values) != 1:
                errors.append(field_error(name, "Give this parameter once.", "repeated"))
            else:
                try:
                    values[name] = parameter.parse(raw_values[0])
                except ParameterRefused as refused:
                    errors.append(field_error(name, refused.message, refused.type))
        if errors:
            names = ", ".join(dict.fromkeys(error["field"] for error in errors))
            raise ValidationFailed(f"Invalid query parameter: {names}.", details=errors)
        return values


def refuse_query_parameters(query: Mapping[str, Sequence[str]]) -> None:
    """For operations that take no query parameter: any is a 400 naming each one."""
    if query:
        raise ValidationFailed(
            "This operation takes no query parameters.",
            details=[field_error(name, "Unknown query parameter.", "unknown") for name in query],
        )
