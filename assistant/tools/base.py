"""What a tool is, what it returns, and how a bad call is explained to the model.

A tool is a typed function `fn(access, **arguments) -> ToolResult` plus its contract for models:
a description, a JSON Schema of its arguments (with a description and limits for each), a JSON
Schema of its result, the scope it needs and its behaviour hints. Arguments are checked against
the schema before the function runs (`check_arguments`): a bad call becomes a `ToolError` that
names each argument, what is wrong with it and what is allowed, so the model can fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError


class ToolError(Exception):
    """A tool call that cannot be done, explained for the model (a result with `isError`).

    `code` is short and stable (`invalid_arguments`, `not_found`, `version_conflict`, ...);
    `message` says what happened and what to do next; `arguments` names each bad argument.
    """

    def __init__(
        self, code: str, message: str, *, arguments: Sequence[Mapping[str, str]] = (), **extra: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.arguments = [dict(item) for item in arguments]
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        """The error as the JSON a model reads."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.arguments:
            error["arguments"] = self.arguments
        error.update(self.extra)
        return {"error": error}


def invalid_arguments(problems: Sequence[Mapping[str, str]]) -> ToolError:
    """The error of a call whose arguments break the schema or a rule: one sentence, then each argument."""
    first = problems[0]
    message = f"Invalid argument `{first['argument']}`: {first['problem']}"
    if first.get("allowed"):
        message += f" Allowed: {first['allowed']}."
    if len(problems) > 1:
        others = ", ".join(f"`{item['argument']}`" for item in problems[1:])
        message += f" Also check {others}."
    return ToolError("invalid_arguments", message, arguments=problems)


@dataclass(frozen=True)
class ToolResult:
    """What a tool returns: the structured result, a one-line summary, and what the ledger records."""

    data: dict[str, Any]
    summary: str
    idea_ids: Sequence[Any] = ()
    fields_returned: Sequence[str] = ()
    fields_changed: Sequence[str] = ()


@dataclass(frozen=True)
class ToolSpec:
    """A tool: its function and the contract a model reads (`tools/list` in MCP)."""

    name: str
    title: str
    description: str
    scope: str
    fn: Callable[..., ToolResult]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    read_only: bool
    destructive: bool = False
    idempotent: bool = True

    @cached_property
    def _validator(self) -> Draft202012Validator:
        Draft202012Validator.check_schema(self.input_schema)
        # Formats are checked too (`uuid` ids): a malformed id is a bad argument, not a missing idea.
        return Draft202012Validator(self.input_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def check_arguments(self, arguments: Any) -> dict[str, Any]:
        """`arguments` if they fit the input schema; otherwise a `ToolError` naming each bad one."""
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            raise ToolError("invalid_arguments", "Arguments must be a JSON object.")
        errors = sorted(self._validator.iter_errors(arguments), key=lambda e: [str(p) for p in e.path])
        if errors:
            problems: list[dict[str, str]] = []
            for error in errors:
                problems.extend(self._explain(error, arguments))
            raise invalid_arguments(list({item["argument"]: item for item in problems}.values()))
        return dict(arguments)

    def _explain(self, error: SchemaError, arguments: dict[str, Any]) -> list[dict[str, str]]:
        properties: dict[str, Any] = self.input_schema.get("properties", {})
        if error.validator == "additionalProperties" and not error.path:
            known = ", ".join(properties) or "none"
            return [
                {"argument": name, "problem": "unknown argument.", "allowed": f"the arguments {known}"}
                for name in arguments
                if name not in properties
            ]
        if error.validator == "required" and not error.path:
            return [
                {
                    "argument": name,
                    "problem": "missing; it is required.",
                    "allowed": describe(properties[name]),
                }
                for name in error.validator_value
                if name not in arguments
            ]
        if not error.path:
            return [{"argument": "arguments", "problem": problem_of(error), "allowed": ""}]
        name, *inner = [str(part) for part in error.path]
        argument = name + "".join(f"[{part}]" for part in inner)
        return [
            {
                "argument": argument,
                "problem": problem_of(error),
                "allowed": describe(properties.get(name, {})),
            }
        ]


# --- Explaining schemas to a model ------------------------------------------------------------------

#: Formats the schemas use, in words.
FORMAT_WORDS: dict[str, str] = {}


def describe(schema: Mapping[str, Any]) -> str:
    """What a property's schema allows, in a few words ("an integer from 1 to 50")."""
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        nullable = "null" in kind
        kind = next((k for k in kind if k != "null"), None)
        base = describe({**schema, "type": kind}) if kind else "null"
        return f"{base}, or null" if nullable else base
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"an integer from {low} to {high}"
        if low is not None:
            return f"an integer of at least {low}"
        return "an integer"
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        if schema.get("format") in FORMAT_WORDS:
            return FORMAT_WORDS[schema["format"]]
        low, high = schema.get("minLength"), schema.get("maxLength")
        if high is not None:
            return f"text of {low or 0} to {high} characters"
        return "text"
    if kind == "array":
        items = schema.get("items", {})
        high = schema.get("maxItems")
        limit = f"up to {high} " if high is not None else ""
        return f"a list of {limit}items, each {describe(items)}"
    if kind == "object":
        return "an object"
    return "see the tool's input schema"


def problem_of(error: SchemaError) -> str:
    """What is wrong with one value, in words."""
    validator, expected = error.validator, error.validator_value
    if validator == "type":
        return f"must be {describe({'type': expected})}."
    if validator == "enum":
        return f"{error.instance!r} is not one of the choices."
    if validator == "maximum":
        return f"must be at most {expected}."
    if validator == "minimum":
        return f"must be at least {expected}."
    if validator == "maxLength":
        return f"must be at most {expected} characters long."
    if validator == "minLength":
        return "must not be empty." if expected == 1 else f"must be at least {expected} characters long."
    if validator == "maxItems":
        return f"must have at most {expected} items."
    if validator == "format":
        words = FORMAT_WORDS.get(str(expected))
        return f"must be {words}." if words else f"must be a {expected}."
    if validator == "pattern":
        return "is not in the expected format."
    if validator == "additionalProperties":
        return "holds unknown keys."
    return error.message.rstrip(".") + "."
