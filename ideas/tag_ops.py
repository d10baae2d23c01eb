"""Tags as a whole: rename (merging into an existing tag) and delete across the caller's ideas.

Both normalise the tags they are given with the same rules as stored tags (trimmed,
lower-cased), work on the caller's live ideas only (trashed ideas come back exactly as they were
trashed), lock every idea they change and run in one transaction, so they apply to all of those
ideas or to none. Each changed idea gets a new version and keeps a revision of its previous tags.
A tag that no live idea of the caller's carries is a 404 `NOT_FOUND`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import NotFound, ValidationFailed
from ideas.bulk import ideas_change_locked
from ideas.models import Idea
from ideas.selectors import _with_tags
from ideas.validation import RuleViolation, clean_tag


@dataclass(frozen=True)
class TagChange:
    """What a rename or delete did: the tags involved and how many ideas changed."""

    source: str
    target: str | None
    changed: int


def _clean(value: object, *, field: str) -> str:
    try:
        return clean_tag(value)
    except RuleViolation as violation:
        detail = {"field": field, "message": violation.message, "type": violation.code}
        raise ValidationFailed(f"{field}: {violation.message}", details=[detail]) from None


def _locked_ideas_with(owner: User, tag: str) -> list[Idea]:
    """The caller's live ideas carrying `tag`, locked in id order (no deadlock with bulk changes)."""
    ideas = list(_with_tags(Idea.objects.for_owner(owner), (tag,)).select_for_update().order_by("pk"))
    if not ideas:
        raise NotFound(f"None of your ideas carries the tag {tag!r}.")
    return ideas


@transaction.atomic
def tag_rename(*, owner: User, source: str, target: str) -> TagChange:
    """Rename tag `source` to `target` on every idea of the caller's; merge where both are present.

    The renamed tag keeps its position; an idea that already carried `target` keeps it where it
    was and loses `source` (no duplicates). Renaming a tag to itself changes nothing.
    """
    old, new = _clean(source, field="from"), _clean(target, field="to")
    ideas = _locked_ideas_with(owner, old)

    def rename(idea: Idea) -> None:
        idea.tags = list(dict.fromkeys(new if tag == old else tag for tag in idea.tags))

    changed = ideas_change_locked(ideas, rename, fields=["tags"], now=timezone.now())
    return TagChange(source=old, target=new, changed=len(changed))


@transaction.atomic
def tag_delete(*, owner: User, tag: str) -> TagChange:
    """Remove `tag` from every idea of the caller's (a malformed tag is simply not found)."""
    try:
        name = clean_tag(tag)
    except RuleViolation:
        raise NotFound("No such tag.") from None
    ideas = _locked_ideas_with(owner, name)

    def remove(idea: Idea) -> None:
        idea.tags = [t for t in idea.tags if t != name]

    changed = ideas_change_locked(ideas, remove, fields=["tags"], now=timezone.now())
    return TagChange(source=name, target=None, changed=len(changed))
