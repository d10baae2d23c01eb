"""Running a tool for a caller: scope, arguments, the call, the error a model can act on, the ledger.

`tool_run` is the one way any surface (MCP, the chat) calls a tool. A successful call and its
ledger row commit together (a write is never acknowledged without its record); a failed call
rolls its work back and is recorded with its error code. Whatever fails, the caller gets a
`ToolOutcome`, never an exception or a stack trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from assistant.access import Access
from assistant.services import activity_record
from assistant.tools.base import ToolError, ToolResult, ToolSpec, invalid_arguments
from assistant.tools.catalog import TOOLS, TOOLS_BY_NAME
from creatorvault.database import is_database_outage
from creatorvault.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
    with_request_id,
)

logger = logging.getLogger("assistant.tools")


class UnknownTool(LookupError):
    """No tool has that name (a protocol error, not a tool result)."""


@dataclass(frozen=True)
class ToolOutcome:
    """How one tool call ended: its result, or the error explained for the model."""

    tool: str
    result: ToolResult | None = None
    error: ToolError | None = None

    @property
    def is_error(self) -> bool:
        """True when the call failed (MCP's `isError`)."""
        return self.error is not None

    def payload(self) -> dict[str, Any]:
        """The structured result, or `{"error": {...}}`."""
        if self.result is not None:
            return self.result.data
        assert self.error is not None
        return self.error.payload()

    @property
    def summary(self) -> str:
        """One line for the model: what the result holds, or what went wrong."""
        if self.result is not None:
            return self.result.summary
        assert self.error is not None
        return self.error.message


def tools_for(access: Access) -> list[ToolSpec]:
    """The tools this caller may call (a read-only token or server never sees the writes)."""
    return [tool for tool in TOOLS if access.may(tool.scope)]


def _from_domain(error: ApplicationError) -> ToolError:
    if isinstance(error, ValidationFailed):
        if not error.details:
            return ToolError("invalid_arguments", error.message)
        return invalid_arguments(
            [{"argument": d["field"], "problem": d["message"], "allowed": ""} for d in error.details]
        )
    if isinstance(error, NotFound):
        return ToolError(
            "not_found",
            f"{error.message} Check the id: list_ideas and search_ideas give ids, and trashed ideas "
            "are found with list_ideas in_trash: true.",
        )
    if isinstance(error, PreconditionFailed):
        return ToolError("version_conflict", error.message)
    if isinstance(error, Conflict):
        return ToolError("conflict", error.message)
    return ToolError(error.code.lower(), error.message)


def _call(access: Access, tool: ToolSpec, arguments: Any) -> ToolResult:
    if not access.may(tool.scope):
        raise ToolError("insufficient_scope", f"{tool.name} is not available: {access.refusal(tool.scope)}")
    checked = tool.check_arguments(arguments)
    with transaction.atomic():
        result = tool.fn(access, **checked)
        activity_record(
            access=access,
            tool=tool.name,
            idea_ids=result.idea_ids,
            fields_returned=result.fields_returned,
            fields_changed=result.fields_changed,
        )
    return result


def tool_run(access: Access, name: str, arguments: Any) -> ToolOutcome:
    """Run tool `name` with `arguments` for `access`; raise `UnknownTool` only for an unknown name."""
    tool = TOOLS_BY_NAME.get(name)
    if tool is None:
        raise UnknownTool(name)
    try:
        return ToolOutcome(tool=name, result=_call(access, tool, arguments))
    except ToolError as exc:
        error = exc
    except ApplicationError as exc:
        error = _from_domain(exc)
    except Exception as exc:
        if is_database_outage(exc):
            logger.error("tool %s: database unavailable", name, exc_info=exc)
            error = ToolError("unavailable", "CreatorVault's database is unavailable. Try again shortly.")
        else:
            logger.error("tool %s failed", name, exc_info=exc)
            error = ToolError("internal_error", with_request_id("The tool failed unexpectedly."))
    try:
        activity_record(access=access, tool=name, error_code=error.code)
    except Exception as exc:
        logger.error("tool %s: could not record the failed call", name, exc_info=exc)
    return ToolOutcome(tool=name, error=error)
