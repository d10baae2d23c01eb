"""The tools of SPEC §7, as a model sees them: name, description, schemas, scope, hints.

`TOOLS` are served to MCP clients (and the chat); `expand_idea` is an MCP prompt
(`assistant.mcp.server`) and a chat tool, so it lives in `ALL_TOOLS` only.
"""

from __future__ import annotations

from assistant.access import IDEAS_READ, IDEAS_WRITE
from assistant.tools import schemas as s
from assistant.tools.base import ToolSpec
from assistant.tools.ideas import (
    add_idea,
    change_stage,
    delete_idea,
    get_idea,
    list_ideas,
    restore_idea,
    search_ideas,
    update_idea,
)
from assistant.tools.prompts import MODES, expand_idea
from assistant.tools.tags import list_tags

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        name="list_ideas",
        title="List ideas",
        description=(
            "List the creator's content ideas: titles and metadata, never notes. Filter by stage, "
            "priority or tags; sort by any field (newest first by default). Pages of up to 50: pass "
            "next_cursor back as cursor for more. in_trash lists deleted ideas."
        ),
        scope=IDEAS_READ,
        fn=list_ideas,
        input_schema=s.LIST_IDEAS_INPUT,
        output_schema=s.LIST_IDEAS_OUTPUT,
        read_only=True,
    ),
    ToolSpec(
        name="search_ideas",
        title="Search ideas",
        description=(
            "Find the creator's ideas by words: titles match substrings, notes whole words (if this "
            "connection may read notes). matched_in says where; notes are never shown here."
        ),
        scope=IDEAS_READ,
        fn=search_ideas,
        input_schema=s.SEARCH_IDEAS_INPUT,
        output_schema=s.SEARCH_IDEAS_OUTPUT,
        read_only=True,
    ),
    ToolSpec(
        name="get_idea",
        title="Read an idea",
        description=(
            "Read one idea by id, with its version. Notes are private: included only when this "
            "connection may read them; otherwise notes_withheld says why and how to allow them."
        ),
        scope=IDEAS_READ,
        fn=get_idea,
        input_schema=s.GET_IDEA_INPUT,
        output_schema=s.GET_IDEA_OUTPUT,
        read_only=True,
    ),
    ToolSpec(
        name="add_idea",
        title="Add an idea",
        description="Create an idea. Only title is needed; stage defaults to idea, priority to medium.",
        scope=IDEAS_WRITE,
        fn=add_idea,
        input_schema=s.ADD_IDEA_INPUT,
        output_schema=s.WRITE_OUTPUT,
        read_only=False,
        idempotent=False,
    ),
    ToolSpec(
        name="update_idea",
        title="Update an idea",
        description=(
            "Change an idea's title, notes, tags, priority or due date. Pass the version you read; "
            "if the idea changed since, nothing is written and the error names the current version. "
            "The creator can restore the previous content."
        ),
        scope=IDEAS_WRITE,
        fn=update_idea,
        input_schema=s.UPDATE_IDEA_INPUT,
        output_schema=s.WRITE_OUTPUT,
        read_only=False,
    ),
    ToolSpec(
        name="change_stage",
        title="Change an idea's stage",
        description="Move an idea through the pipeline: idea, outline, draft, published (or back).",
        scope=IDEAS_WRITE,
        fn=change_stage,
        input_schema=s.CHANGE_STAGE_INPUT,
        output_schema=s.WRITE_OUTPUT,
        read_only=False,
    ),
    ToolSpec(
        name="delete_idea",
        title="Delete an idea",
        description=(
            "Move an idea to the trash; restore_idea brings it back until the trash is purged. "
            "Confirm with the creator first."
        ),
        scope=IDEAS_WRITE,
        fn=delete_idea,
        input_schema=s.DELETE_IDEA_INPUT,
        output_schema=s.DELETE_OUTPUT,
        read_only=False,
        destructive=True,
    ),
    ToolSpec(
        name="restore_idea",
        title="Restore an idea",
        description="Bring an idea back from the trash, unchanged (list_ideas with in_trash finds them).",
        scope=IDEAS_WRITE,
        fn=restore_idea,
        input_schema=s.RESTORE_IDEA_INPUT,
        output_schema=s.RESTORE_OUTPUT,
        read_only=False,
    ),
    ToolSpec(
        name="list_tags",
        title="List tags",
        description="The creator's tags with how many ideas carry each, most used first.",
        scope=IDEAS_READ,
        fn=list_tags,
        input_schema=s.LIST_TAGS_INPUT,
        output_schema=s.LIST_TAGS_OUTPUT,
        read_only=True,
    ),
)

EXPAND_IDEA = ToolSpec(
    name="expand_idea",
    title="Expand an idea",
    description=(
        "Suggest angles, an outline or variations for one idea (writes nothing): returns the idea "
        "and instructions to answer from."
    ),
    scope=IDEAS_READ,
    fn=expand_idea,
    input_schema=s.obj(
        {
            "idea_id": s.IDEA_ID,
            "mode": {
                "type": "string",
                "enum": list(MODES),
                "default": "angles",
                "description": "What to suggest.",
            },
            "include_notes": s.INCLUDE_NOTES,
        },
        required=("idea_id",),
    ),
    output_schema=s.out(
        {"idea_id": {"type": "string"}, "mode": {"type": "string"}, "prompt": {"type": "string"}}
    ),
    read_only=True,
)

ALL_TOOLS: tuple[ToolSpec, ...] = (*TOOLS, EXPAND_IDEA)
TOOLS_BY_NAME: dict[str, ToolSpec] = {tool.name: tool for tool in ALL_TOOLS}
