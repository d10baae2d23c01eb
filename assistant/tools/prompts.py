"""`expand_idea`: suggested angles, an outline or variations for one idea. It writes nothing.

It is a prompt, not an answer: it hands the idea (title and metadata; notes only when the access
allows them) and the instructions for the chosen mode to the caller's own model. MCP clients get
it as a prompt (`prompts/get`); the chat offers it as a tool.
"""

from __future__ import annotations

from assistant.access import Access
from assistant.tools.base import ToolResult
from assistant.tools.shapes import detail_fields, idea_detail
from ideas.selectors.ideas import idea_get

MODES: dict[str, str] = {
    "angles": (
        "Suggest five distinct angles for this idea: for each, a working title, who it is for and "
        "the hook in one sentence."
    ),
    "outline": "Write an outline for this idea: a hook, four to six sections with key points, and a close.",
    "variations": (
        "Suggest five variations of this idea for other formats or audiences (a short video, a "
        "thread, a newsletter, a podcast episode, a beginner's version), one line each."
    ),
}


def expand_idea(
    access: Access, *, idea_id: str, mode: str = "angles", include_notes: bool = False
) -> ToolResult:
    """The prompt that expands one of the owner's ideas in `mode` (angles, outline or variations)."""
    idea = idea_get(owner=access.owner, idea_id=idea_id)
    detail = idea_detail(idea, access.notes_for(asked=include_notes))
    lines = [
        "Here is one of my content ideas, from CreatorVault.",
        f"Title: {detail['title']}",
        f"Stage: {detail['stage']}; priority: {detail['priority']}",
        f"Tags: {', '.join(detail['tags']) or '(none)'}",
        f"Due: {detail['due_date'] or '(no date)'}",
    ]
    if detail["notes"]:
        lines.append(f"Notes:\n{detail['notes']}")
    elif detail["notes_withheld"]:
        lines.append("Notes: (withheld; work from the title and metadata)")
    lines += ["", MODES[mode], "Do not change the idea in CreatorVault unless I ask you to."]
    prompt = "\n".join(lines)
    return ToolResult(
        data={"idea_id": detail["id"], "mode": mode, "prompt": prompt},
        summary=f"A prompt to expand “{idea.title}” ({mode}).",
        idea_ids=[idea.pk],
        fields_returned=detail_fields(detail),
    )
