"""Tags as a whole: rename (merging into an existing tag) and delete across the caller's ideas, and
re-applying the tag rules to every stored idea (`manage.py normalize_tags`).

Rename and delete normalise the tags they are given with the same rules as stored tags (trimmed,
lower-cased), work on the caller's live ideas only (trashed ideas come back exactly as they were
trashed), lock every idea they change and run in one transaction, so they apply to all of those
ideas or to none. Each changed idea gets a new version and keeps a revision of its previous tags.
A tag that no live idea of the caller's carries is a 404 `NOT_FOUND`.

`tags_normalize_batch` walks the table in primary-key order, one batch per transaction with the
batch's rows locked, so it can run on a live database: a creator's concurrent write either lands
before the lock (and is re-checked) or waits for the batch. A row whose tags change gets its
`version` bumped (its ETag changes, so a client holding the old representation gets 412 rather
than silently writing old tags back); `updated_at` is left alone, because no person edited it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import NotFound, ValidationFailed, field_error
from creatorvault.text import has_control_chars, lower_preserving_length
from ideas.models import TAG_MAX_CHARS, TAGS_MAX_COUNT, Idea
from ideas.rules import RuleViolation, clean_tag, clean_tags, unique_tags
from ideas.selectors.tags import ideas_with_tags
from ideas.services.content import ideas_change_locked


@dataclass(frozen=True)
class TagChange:
    """What a rename or delete did: the tags involved and how many ideas changed."""

    source: str
    target: str | None
    changed: int


def _clean(value: object, *, name: str) -> str:
    try:
        return clean_tag(value)
    except RuleViolation as violation:
        detail = field_error(name, violation.message, violation.code)
        raise ValidationFailed(f"{name}: {violation.message}", details=[detail]) from None


def _locked_ideas_with(owner: User, tag: str) -> list[Idea]:
    """The caller's live ideas carrying `tag`, locked in id order (no deadlock with bulk changes)."""
    ideas = list(ideas_with_tags(Idea.objects.for_owner(owner), (tag,)).select_for_update().order_by("pk"))
    if not ideas:
        raise NotFound(f"None of your ideas carries the tag {tag!r}.")
    return ideas


@transaction.atomic
def tag_rename(*, owner: User, source: str, target: str) -> TagChange:
    """Rename tag `source` to `target` on every idea of the caller's; merge where both are present.

    The renamed tag keeps its position; an idea that already carried `target` keeps it where it
    was and loses `source` (no duplicates). Renaming a tag to itself changes nothing.
    """
    old, new = _clean(source, name="from"), _clean(target, name="to")
    ideas = _locked_ideas_with(owner, old)

    def rename(idea: Idea) -> None:
        idea.tags = unique_tags(new if tag == old else tag for tag in idea.tags)

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


# --- Normalising stored tags --------------------------------------------------------------------


@dataclass
class NormalizeReport:
    """Totals of a `normalize_tags` run."""

    seen: int = 0
    changed: int = 0
    repaired: int = 0
    invalid_ids: list[str] = field(default_factory=list)


def repaired_tags(values: Any) -> list[str]:
    """A lossy repair for tags the rules refuse: keep the valid strings, at most the first 20.

    Non-strings, blank tags, tags with control characters and tags over 50 characters are dropped.
    """
    items: Iterable[Any] = values if isinstance(values, list) else []
    kept: list[str] = []
    for item in items:
        if not isinstance(item, str) or has_control_chars(item):
            continue
        tag = lower_preserving_length(item.strip())
        if tag and len(tag) <= TAG_MAX_CHARS and tag not in kept:
            kept.append(tag)
    return kept[:TAGS_MAX_COUNT]


def tags_normalize_batch(
    *, after: uuid.UUID | None, batch_size: int, dry_run: bool, repair: bool, report: NormalizeReport
) -> uuid.UUID | None:
    """Normalise the tags of up to `batch_size` ideas with ids after `after`.

    Returns the last id seen (pass it back as `after`), or None when no idea was left.
    """
    with transaction.atomic():
        ideas = Idea.objects.order_by("pk")
        if after is not None:
            ideas = ideas.filter(pk__gt=after)
        rows = list(ideas.select_for_update().values_list("pk", "tags")[:batch_size])
        for pk, tags in rows:
            report.seen += 1
            try:
                wanted = clean_tags(tags)
            except RuleViolation:
                if not repair:
                    report.invalid_ids.append(str(pk))
                    continue
                wanted = repaired_tags(tags)
                report.repaired += 1
            if wanted == tags:
                continue
            report.changed += 1
            if not dry_run:
                Idea.objects.filter(pk=pk).update(tags=wanted, version=F("version") + 1)
    return rows[-1][0] if rows else None
