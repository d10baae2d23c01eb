"""An idea's notes at rest: sealing on write, opening on read, and the keyed word index.

`Idea.notes` is a plain-text property backed by the sealed columns (`notes_sealed`,
`notes_key_id`); it delegates here. Services call `note_index_sync` after saving an idea whose
notes changed, and `note_search_q` builds the notes half of the `search` filter.

A value that fails to open (tampered with, copied from another idea or owner, or sealed under a
key that is no longer configured) is logged with the idea's id and key id — never its text — and
surfaces as `NotesUnavailable`, which the API renders as a 500 `INTERNAL_ERROR` envelope carrying
only the request id. Failing loudly is deliberate: answering empty notes would invite the client
to save them back and silently lose the creator's text.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from creatorvault.context import request_id_var
from creatorvault.errors import ApplicationError
from ideas import sealing

if TYPE_CHECKING:
    from ideas.models import Idea

logger = logging.getLogger("ideas.sealing")

# Where an instance keeps its opened notes, paired with the sealed value they came from, so a
# refresh_from_db() or a rotation never serves stale plain text.
_CACHE_ATTR = "_opened_notes"
_DIRTY_ATTR = "_notes_index_dirty"
_FRESH_ATTR = "_notes_index_fresh"


class NotesUnavailable(ApplicationError):
    """An idea's sealed notes cannot be opened; details are in the server log, never the response."""

    code = "INTERNAL_ERROR"
    status = 500
    default_message = "This idea's notes cannot be opened."

    def __init__(self) -> None:
        super().__init__(
            f"This idea's notes cannot be opened. Quote request id {request_id_var.get()} when reporting it."
        )


def _binding(idea: Idea) -> dict[str, str]:
    """What a sealed value is bound to, in canonical form (a UUID given as text seals the same)."""
    return {"idea_id": str(uuid.UUID(str(idea.pk))), "owner_id": str(idea.user_id)}


def notes_open(idea: Idea) -> str:
    """The plain notes of `idea` (cached on the instance); raise `NotesUnavailable` if they will not open."""
    sealed = idea.notes_sealed or ""
    cached = idea.__dict__.get(_CACHE_ATTR)
    if cached is not None and cached[0] == sealed:
        return str(cached[1])
    if not sealed:
        plain = ""
    else:
        try:
            plain = sealing.unseal(sealed, **_binding(idea))
        except sealing.SealError as exc:
            logger.error(
                "sealed notes failed to open",
                extra={
                    "idea_id": str(idea.pk),
                    "key_id": idea.notes_key_id or None,
                    "reason": type(exc).__name__,
                },
            )
            raise NotesUnavailable() from None
    idea.__dict__[_CACHE_ATTR] = (sealed, plain)
    return plain


def notes_seal(idea: Idea, text: str | None) -> None:
    """Seal `text` into `idea`'s columns under the current key; the index is synced after save."""
    text = text or ""
    if text:
        idea.notes_sealed = sealing.seal(text, **_binding(idea))
        idea.notes_key_id = sealing.sealed_key_id(idea.notes_sealed)
    else:
        idea.notes_sealed = ""
        idea.notes_key_id = ""
    idea.__dict__[_CACHE_ATTR] = (idea.notes_sealed, text)
    idea.__dict__[_DIRTY_ATTR] = True
    # An idea never saved has no index rows yet: its first sync can skip the DELETE.
    idea.__dict__[_FRESH_ATTR] = idea._state.adding


def note_index_rows(idea: Idea, text: str) -> list[Any]:
    """Unsaved index rows for `text`, hashed under the key that sealed `idea`'s notes."""
    from ideas.models import IdeaNoteToken

    if not text:
        return []
    hashes = sealing.note_word_hashes(text, owner_id=idea.user_id, key_id=idea.notes_key_id or None)
    return [IdeaNoteToken(owner_id=idea.user_id, idea_id=idea.pk, token_hash=h) for h in sorted(hashes)]


def note_index_sync(idea: Idea, *, force: bool = False) -> None:
    """Rewrite `idea`'s word index from its notes, if they changed since it was loaded (or `force`).

    Call it after the idea is saved, inside the same transaction as the save.
    """
    from ideas.models import IdeaNoteToken

    if not (force or idea.__dict__.get(_DIRTY_ATTR)):
        return
    rows = note_index_rows(idea, notes_open(idea))
    # One statement or two, no savepoint: services call this inside their own transaction.
    with transaction.atomic(savepoint=False):
        if force or not idea.__dict__.get(_FRESH_ATTR):
            IdeaNoteToken.objects.filter(idea_id=idea.pk).delete()
        if rows:
            IdeaNoteToken.objects.bulk_create(rows)
    idea.__dict__[_DIRTY_ATTR] = False
    idea.__dict__[_FRESH_ATTR] = False


def note_search_q(term: str, *, owner: Any) -> Q | None:
    """A filter for ideas whose notes hold every word of `term` (whole words), or None if it has none.

    Hashes are made for every configured key, so ideas not yet rotated still match mid-rotation.
    """
    from ideas.models import IdeaNoteToken

    groups = sealing.search_term_hashes(term, owner_id=owner.pk)
    if groups is None:
        return None
    query = Q()
    for hashes in groups:
        matching = IdeaNoteToken.objects.filter(owner_id=owner.pk, token_hash__in=list(hashes))
        query &= Q(pk__in=matching.values("idea_id"))
    return query


def sealed_binding(row: Any) -> dict[str, str]:
    """The idea and owner a sealed row is bound to: an idea itself, or a row with `idea_id` and `owner_id`."""
    from ideas.models import Idea

    if isinstance(row, Idea):
        return _binding(row)
    return {"idea_id": str(uuid.UUID(str(row.idea_id))), "owner_id": str(row.owner_id)}


def sealed_row_open(row: Any) -> str:
    """The plain notes of any sealed row (an idea, or e.g. a revision); `NotesUnavailable` otherwise."""
    from ideas.models import Idea

    if isinstance(row, Idea):
        return notes_open(row)
    if not row.notes_sealed:
        return ""
    binding = sealed_binding(row)
    try:
        return sealing.unseal(row.notes_sealed, **binding)
    except sealing.SealError as exc:
        logger.error(
            "sealed notes failed to open",
            extra={
                "idea_id": binding["idea_id"],
                "row": f"{row._meta.label}:{row.pk}",
                "key_id": row.notes_key_id or None,
                "reason": type(exc).__name__,
            },
        )
        raise NotesUnavailable() from None


def sealed_row_reseal(row: Any) -> bool:
    """Re-seal a non-idea sealed row (no word index) under the current key; False if already current."""
    current = sealing.key_ring().current_id
    if not row.notes_sealed or row.notes_key_id == current:
        return False
    plain = sealed_row_open(row)
    row.notes_sealed = sealing.seal(plain, **sealed_binding(row))
    row.notes_key_id = current
    row.save(update_fields=["notes_sealed", "notes_key_id"])
    return True


def notes_reseal(idea: Idea) -> bool:
    """Re-seal `idea`'s notes and rebuild its index under the current key; False if already current.

    Raises `NotesUnavailable` when the notes do not open (the caller reports and skips the idea).
    """
    current = sealing.key_ring().current_id
    if not idea.notes_sealed or idea.notes_key_id == current:
        return False
    plain = notes_open(idea)
    notes_seal(idea, plain)
    idea.save(update_fields=["notes_sealed", "notes_key_id"])
    note_index_sync(idea, force=True)
    return True
