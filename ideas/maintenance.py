"""Data maintenance of ideas in bulk: re-applying the tag rules to every stored row.

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

from ideas.models import TAG_MAX_CHARS, TAGS_MAX_COUNT, Idea
from ideas.validation import RuleViolation, clean_tags, has_control_chars, lower_preserving_length


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
