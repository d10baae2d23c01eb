"""Reads of the AI activity ledger: the creator's page of it, newest first, and its export."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from accounts.models import User
from assistant.models import EXPORTED_FIELDS, AIActivity
from creatorvault.api.cursor import CursorPage, SortKey, cursor_page


def activity_page(*, owner: User, limit: int, cursor: str | None) -> CursorPage[AIActivity]:
    """A page of the owner's ledger, newest first, after `cursor` (one query)."""
    return cursor_page(
        AIActivity.objects.filter(user=owner),
        keys=[SortKey(F("at"), descending=True)],
        limit=limit,
        cursor=cursor,
        listing=f"ai-activity:{owner.pk}",
    )


def activity_export(*, user: User) -> list[dict[str, Any]]:
    """The user's whole ledger, oldest first, as export rows (`assistant.services.EXPORTED_FIELDS`)."""
    return [
        {name: getattr(row, name) for name in EXPORTED_FIELDS}
        for row in AIActivity.objects.filter(user=user).order_by("at", "id").iterator(chunk_size=500)
    ]
