"""The idea tools: typed functions over the ideas selectors and services, for one owner.

Each takes the caller's `Access` and the (schema-checked) arguments and returns a `ToolResult`.
Scoping is the ideas app's (`Idea.objects.for_owner`): another creator's idea is "not found",
exactly like a missing one. Writes go through the same services as the API, so they keep
revisions, honour versions and are restorable like any other write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.access import Access, NotesPolicy
from assistant.tools.base import ToolError, ToolResult, invalid_arguments
from assistant.tools.schemas import DEFAULT_PAGE
from assistant.tools.shapes import SUMMARY_FIELDS, detail_fields, idea_detail, idea_summary, iso
from creatorvault.api.params import ParameterRefused, Text
from creatorvault.errors import PreconditionFailed
from ideas.models import CONTENT_FIELDS, Idea, Priority, Stage
from ideas.rules import RuleViolation, clean_tag, unique_tags
from ideas.selectors.ideas import idea_get, idea_list_after
from ideas.selectors.params import SEARCH_MAX_CHARS, IdeaListParams
from ideas.services.ideas import IdeaChanges, idea_create, idea_set_stage, idea_update
from ideas.services.trash import idea_restore, idea_trash

_QUERY = Text(SEARCH_MAX_CHARS)
#: What update_idea may change (the stage has its own tool).
UPDATABLE: tuple[str, ...] = ("title", "notes", "tags", "priority", "due_date")


def _tag_filter(tags: Sequence[str]) -> tuple[str, ...]:
    try:
        return tuple(unique_tags(clean_tag(tag) for tag in tags))
    except RuleViolation as violation:
        raise invalid_arguments(
            [{"argument": "tags", "problem": violation.message, "allowed": "tags of 1 to 50 characters"}]
        ) from None


def _page_summary(noun: str, shown: int, total: int, has_more: bool, tool: str) -> str:
    text = f"{shown} of {total} {noun}."
    if has_more:
        text += f" More: call {tool} again with the same arguments and cursor = next_cursor."
    return text


def list_ideas(
    access: Access,
    *,
    stage: str | None = None,
    priority: str | None = None,
    tags: Sequence[str] = (),
    sort: str = "created_at",
    order: str = "desc",
    in_trash: bool = False,
    limit: int = DEFAULT_PAGE,
    cursor: str | None = None,
) -> ToolResult:
    """A page of the owner's ideas (or of their trash), filtered and sorted; never the notes."""
    params = IdeaListParams(
        stage=stage, priority=priority, tags=_tag_filter(tags), sort=sort, order=order, limit=limit
    )
    result = idea_list_after(owner=access.owner, params=params, cursor=cursor, in_trash=in_trash)
    ideas = [idea_summary(idea) for idea in result.page.items]
    noun = "ideas in the trash" if in_trash else "ideas"
    return ToolResult(
        data={
            "ideas": ideas,
            "total": result.total,
            "next_cursor": result.page.next_cursor,
            "has_more": result.page.has_more,
        },
        summary=_page_summary(noun, len(ideas), result.total, result.page.has_more, "list_ideas"),
        idea_ids=[idea["id"] for idea in ideas],
        fields_returned=SUMMARY_FIELDS if ideas else (),
    )


def search_ideas(
    access: Access,
    *,
    query: str,
    stage: str | None = None,
    priority: str | None = None,
    tags: Sequence[str] = (),
    limit: int = DEFAULT_PAGE,
    cursor: str | None = None,
) -> ToolResult:
    """The owner's ideas whose title contains `query` or whose notes hold its every word.

    Each result says where it matched (`matched_in`); a match in the notes is only named, never
    shown: no snippet, whatever the access. A caller that may never read notes (a token without
    `notes:read`) searches titles only, as in the API, so which ideas a word finds cannot reveal
    what their notes say.
    """
    try:
        term = _QUERY.parse(query).strip()
    except ParameterRefused as refused:
        raise invalid_arguments([{"argument": "query", "problem": refused.message, "allowed": ""}]) from None
    if not term:
        raise invalid_arguments([{"argument": "query", "problem": "must not be blank.", "allowed": ""}])
    params = IdeaListParams(stage=stage, priority=priority, tags=_tag_filter(tags), search=term, limit=limit)
    search_notes = access.notes is not NotesPolicy.NEVER
    result = idea_list_after(owner=access.owner, params=params, cursor=cursor, search_notes=search_notes)
    ideas: list[dict[str, Any]] = []
    for idea in result.page.items:
        matched = [
            where
            for where, hit in (
                ("title", getattr(idea, "title_matched", False)),
                ("notes", getattr(idea, "notes_matched", False)),
            )
            if hit
        ]
        ideas.append({**idea_summary(idea), "matched_in": matched})
    return ToolResult(
        data={
            "ideas": ideas,
            "total": result.total,
            "next_cursor": result.page.next_cursor,
            "has_more": result.page.has_more,
        },
        summary=_page_summary(
            "matching ideas", len(ideas), result.total, result.page.has_more, "search_ideas"
        )
        + ("" if search_notes else " Titles only: notes are searched only with the notes:read scope."),
        idea_ids=[idea["id"] for idea in ideas],
        fields_returned=SUMMARY_FIELDS if ideas else (),
    )


def get_idea(access: Access, *, idea_id: str, include_notes: bool = False) -> ToolResult:
    """One of the owner's ideas; its notes only when the access allows them (else why not)."""
    idea = idea_get(owner=access.owner, idea_id=idea_id)
    detail = idea_detail(idea, access.notes_for(asked=include_notes))
    summary = f"Idea “{idea.title}” (version {idea.version})."
    if detail["notes_withheld"]:
        summary += " Its notes are withheld (see notes_withheld)."
    return ToolResult(
        data=dict(detail), summary=summary, idea_ids=[idea.pk], fields_returned=detail_fields(detail)
    )


def add_idea(
    access: Access,
    *,
    title: str,
    notes: str = "",
    stage: str = Stage.IDEA,
    tags: Sequence[str] = (),
    priority: str = Priority.MEDIUM,
    due_date: str | None = None,
) -> ToolResult:
    """Create an idea for the owner (kept like any idea made in the app)."""
    idea = idea_create(
        owner=access.owner,
        title=title,
        notes=notes,
        stage=stage,
        tags=tags,
        priority=priority,
        due_date=due_date,
    )
    given = {"title": True, "notes": notes, "stage": stage != Stage.IDEA, "tags": tags}
    given.update({"priority": priority != Priority.MEDIUM, "due_date": due_date})
    changed = [name for name in CONTENT_FIELDS if given.get(name)]
    return _written(idea, changed, f"Added “{idea.title}” (id {idea.pk}).")


def _conflict(access: Access, idea_id: str, version: int) -> ToolError:
    current = idea_get(owner=access.owner, idea_id=idea_id).version
    return ToolError(
        "version_conflict",
        f"The idea changed since version {version}: it is at version {current} now. Read it again "
        f"with get_idea, then retry with version {current} if the change still makes sense.",
        current_version=current,
    )


def _written(idea: Idea, changed: list[str], summary: str) -> ToolResult:
    return ToolResult(
        data={"idea": idea_summary(idea), "changed": changed},
        summary=summary,
        idea_ids=[idea.pk],
        fields_returned=SUMMARY_FIELDS,
        fields_changed=changed,
    )


def _content(idea: Idea) -> dict[str, Any]:
    return {name: getattr(idea, name) for name in UPDATABLE}


def update_idea(access: Access, *, idea_id: str, version: int, **fields: Any) -> ToolResult:
    """Change some fields of the owner's idea, if it is still at `version` (a revision keeps the old)."""
    changes = IdeaChanges(**{name: fields[name] for name in UPDATABLE if name in fields})  # type: ignore[typeddict-item]
    if not changes:
        raise ToolError(
            "invalid_arguments",
            "Nothing to change: give at least one of title, notes, tags, priority or due_date "
            "(change_stage moves the stage).",
        )
    before = _content(idea_get(owner=access.owner, idea_id=idea_id))
    try:
        idea = idea_update(owner=access.owner, idea_id=idea_id, changes=changes, if_match=str(version))
    except PreconditionFailed:
        raise _conflict(access, idea_id, version) from None
    after = _content(idea)
    changed = [name for name in UPDATABLE if name in changes and before[name] != after[name]]
    done = ", ".join(changed) if changed else "nothing (the values were already so)"
    return _written(idea, changed, f"Updated “{idea.title}”: {done}. It is at version {idea.version} now.")


def change_stage(access: Access, *, idea_id: str, stage: str, version: int | None = None) -> ToolResult:
    """Move the owner's idea to `stage` (idea → outline → draft → published, or back)."""
    idea = idea_get(owner=access.owner, idea_id=idea_id)
    if version is not None and idea.version != version:
        raise _conflict(access, idea_id, version)
    if idea.stage == stage:
        # Already there: nothing to write, so calling twice changes nothing (idempotent).
        return _written(idea, [], f"“{idea.title}” is already at the {stage} stage.")
    try:
        idea = idea_set_stage(
            owner=access.owner,
            idea_id=idea_id,
            stage=stage,
            if_match=None if version is None else str(version),
        )
    except PreconditionFailed:
        raise _conflict(access, idea_id, version or idea.version) from None
    return _written(idea, ["stage"], f"Moved “{idea.title}” to the {stage} stage.")


def delete_idea(access: Access, *, idea_id: str, version: int | None = None) -> ToolResult:
    """Move the owner's idea to the trash (restore_idea brings it back until the trash is purged)."""
    try:
        idea = idea_trash(
            owner=access.owner, idea_id=idea_id, if_match=None if version is None else str(version)
        )
    except PreconditionFailed:
        raise _conflict(access, idea_id, version or 0) from None
    return ToolResult(
        data={"idea": idea_summary(idea), "trashed_at": iso(idea.trashed_at) or ""},
        summary=f"Moved “{idea.title}” to the trash; restore_idea with its id brings it back.",
        idea_ids=[idea.pk],
        fields_returned=SUMMARY_FIELDS,
        fields_changed=["trashed_at"],
    )


def restore_idea(access: Access, *, idea_id: str) -> ToolResult:
    """Bring the owner's idea back from the trash, exactly as it was."""
    idea = idea_restore(owner=access.owner, idea_id=idea_id)
    return ToolResult(
        data={"idea": idea_summary(idea)},
        summary=f"Restored “{idea.title}” from the trash.",
        idea_ids=[idea.pk],
        fields_returned=SUMMARY_FIELDS,
        fields_changed=["trashed_at"],
    )
