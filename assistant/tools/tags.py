"""The tag tool: the owner's tags with how many ideas carry each, most used first."""

from __future__ import annotations

from assistant.access import Access
from assistant.tools.base import ToolResult
from assistant.tools.schemas import DEFAULT_PAGE
from creatorvault.api.cursor import cursor_decode, cursor_encode
from ideas.selectors.tags import tag_counts


def list_tags(access: Access, *, limit: int = DEFAULT_PAGE, cursor: str | None = None) -> ToolResult:
    """A page of the owner's tags, most used first, then by name (a cursor resumes after a tag)."""
    counts = tag_counts(owner=access.owner)
    listing = f"tags:{access.owner.pk}"
    start = 0
    if cursor is not None:
        count, tag = cursor_decode(listing, cursor, size=2)
        # The first tag that sorts after the cursor's (count descending, then tag ascending), so
        # the next page is right even when tags were added or removed meanwhile.
        start = next(
            (i for i, item in enumerate(counts) if (-item.count, item.tag) > (-int(count), str(tag))),
            len(counts),
        )
    page = counts[start : start + limit]
    has_more = start + limit < len(counts)
    next_cursor = cursor_encode(listing, [page[-1].count, page[-1].tag]) if has_more and page else None
    summary = f"{len(page)} of {len(counts)} tags."
    if has_more:
        summary += " More: call list_tags again with cursor = next_cursor."
    return ToolResult(
        data={
            "tags": [{"tag": item.tag, "count": item.count} for item in page],
            "total": len(counts),
            "next_cursor": next_cursor,
            "has_more": has_more,
        },
        summary=summary,
        fields_returned=["tags"] if page else [],
    )
