"""The assistant's one tool layer: typed tools over a creator's ideas, for MCP and the chat.

outcome = tool_run(access, "list_ideas", {"limit": 5})
outcome.payload(), outcome.summary, outcome.is_error
"""

from assistant.tools.base import ToolError, ToolResult, ToolSpec
from assistant.tools.catalog import ALL_TOOLS, EXPAND_IDEA, TOOLS, TOOLS_BY_NAME
from assistant.tools.runner import ToolOutcome, UnknownTool, tool_run, tools_for

__all__ = [
    "ALL_TOOLS",
    "EXPAND_IDEA",
    "TOOLS",
    "TOOLS_BY_NAME",
    "ToolError",
    "ToolOutcome",
    "ToolResult",
    "ToolSpec",
    "UnknownTool",
    "tool_run",
    "tools_for",
]
