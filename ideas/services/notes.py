"""Sealed notes have one writer: this module seals notes and keeps the word index in step.

Every write of notes (the API, the backoffice, imports, key rotation, revision restore, the bench
seeder) goes through `idea_save` (or, for a bulk load, `notes_prepare`), which seals the text into
the idea's columns, saves the idea and rewrites its word index in the same transaction, so search
never goes stale. An idea's index entries are hashed under the same key that sealed its notes:
rotating a key re-seals the notes and rebuilds the entries in one step, and dropping an old key
never leaves entries that nothing can match.

Rotation works in batches, each its own transaction with the batch's rows locked, so an
interrupted run loses at most one uncommitted batch and simply resumes: the work left is always
"every value not under the current key". A creator's write during a rotation seals under the
current key already, and the row lock keeps the rotation from overwriting it with older notes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.db import models, router, transaction

from creatorvault import sealing
from creatorvault.inserts import Rows, insert_rows
from ideas.models import Idea, IdeaNoteToken, NotesUnavailable, SealedNotes
from ideas.models.sealed import notes_seal_value, notes_word_hashes
from ideas.selectors.notes import pending_rotation, sealed_models


@dataclass(frozen=True)
class PreparedNotes:
    """Notes sealed for one idea, with the word-index hashes that go with them."""

    sealed: str
    key_id: str
    word_hashes: tuple[bytes, ...]


def notes_prepare(*, idea_id: object, owner_id: object, text: str) -> PreparedNotes:
    """Seal `text` for this idea and owner under the current key, and hash its words under that key.

    The core of every write of notes; a bulk loader (the bench seeder) writes its result with
    COPY, everything else through `idea_save`.
    """
    if not text:
        return PreparedNotes(sealed="", key_id="", word_hashes=())
    sealed = notes_seal_value(text, idea_id=idea_id, owner_id=owner_id)
    key_id = sealing.sealed_key_id(sealed)
    hashes = notes_word_hashes(text, owner_id=owner_id, key_id=key_id)
    return PreparedNotes(sealed=sealed, key_id=key_id, word_hashes=tuple(sorted(hashes)))


def notes_seal_into(row: SealedNotes, text: str) -> PreparedNotes:
    """Seal `text` into `row`'s columns (not saved): for rows without a word index, such as revisions."""
    idea_id, owner_id = row.notes_bound_to()
    prepared = notes_prepare(idea_id=idea_id, owner_id=owner_id, text=text)
    row.notes_sealed, row.notes_key_id = prepared.sealed, prepared.key_id
    row.remember_notes(text)
    return prepared


def idea_save(
    idea: Idea,
    *,
    notes: str | None = None,
    create: bool = False,
    update_fields: Sequence[str] | None = None,
) -> None:
    """Save `idea`; with `notes`, seal them into it and rewrite its word index, in one transaction.

    `notes=None` leaves the notes as they are. `create` inserts a new idea with its word index:
    on PostgreSQL in ONE statement, atomic on its own, so a create outside a transaction opens
    none (`Idea.inserting_with`). `update_fields` limits the UPDATE (the sealed columns are added
    when notes are written).
    """
    prepared = None
    if notes is not None:
        prepared = notes_seal_into(idea, notes)
        if update_fields is not None:
            update_fields = [*update_fields, "notes_sealed", "notes_key_id"]
    if create:
        words = prepared.word_hashes if prepared is not None else ()
        rows = Rows(IdeaNoteToken, _TOKEN_COLUMNS, [(idea.user_id, idea.pk, h) for h in words])
        # Inside a transaction, a savepoint as before: a create that fails leaves it usable.
        using = router.db_for_write(Idea)
        nested = transaction.get_connection(using).in_atomic_block
        with transaction.atomic(using) if nested else contextlib.nullcontext(), idea.inserting_with(rows):
            idea.save(force_insert=True, update_fields=update_fields)
        return
    with transaction.atomic(savepoint=False):
        idea.save(update_fields=update_fields)
        if prepared is not None:
            IdeaNoteToken.objects.filter(idea_id=idea.pk).delete()
            # One INSERT with a VALUES list, compiled once per row count (`bulk_create` beyond).
            insert_rows(
                IdeaNoteToken,
                _TOKEN_COLUMNS,
                [(idea.user_id, idea.pk, h) for h in prepared.word_hashes],
                using=router.db_for_write(IdeaNoteToken),
            )


_TOKEN_COLUMNS = ("owner_id", "idea_id", "token_hash")


# --- Key rotation ---------------------------------------------------------------------------------


def _reseal(row: models.Model) -> bool:
    """Re-seal one row under the current key (an idea's word index with it); False if already current."""
    assert isinstance(row, SealedNotes)
    if not row.notes_sealed or row.notes_key_id == sealing.key_ring().current_id:
        return False
    plain = row.notes  # NotesUnavailable when it does not open: the caller reports and skips it
    if isinstance(row, Idea):
        idea_save(row, notes=plain, update_fields=[])
    else:
        notes_seal_into(row, plain)
        row.save(update_fields=["notes_sealed", "notes_key_id"])
    return True


@dataclass
class BatchResult:
    """What one rotation batch did. Failed rows are named `<model label>:<pk>`."""

    resealed: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        """Rows the batch looked at."""
        return self.resealed + len(self.failed_ids)


def _row_name(row: models.Model) -> str:
    return f"{row._meta.label}:{row.pk}"


@transaction.atomic
def rotation_batch(*, batch_size: int, skip_ids: Collection[str] = ()) -> BatchResult:
    """Re-seal up to `batch_size` values not under the current key, with their rows locked.

    Rows whose notes do not open are reported in `failed_ids` (and logged with their idea's id);
    pass them back in `skip_ids` so the next batch moves on.
    """
    result = BatchResult()
    for model in sealed_models():
        label = f"{model._meta.label}:"
        skipped = [name.removeprefix(label) for name in skip_ids if name.startswith(label)]
        rows = pending_rotation(model).exclude(pk__in=skipped).order_by("pk").select_for_update()
        for row in rows[: batch_size - result.seen]:
            try:
                if _reseal(row):
                    result.resealed += 1
            except NotesUnavailable:
                result.failed_ids.append(_row_name(row))
        if result.seen >= batch_size:
            break
    return result


def rotation_dry_run(*, batch_size: int) -> BatchResult:
    """Open (without writing) every value a rotation would re-seal; report those that do not open."""
    result = BatchResult()
    for model in sealed_models():
        for row in pending_rotation(model).order_by("pk").iterator(chunk_size=batch_size):
            assert isinstance(row, SealedNotes)
            try:
                _ = row.notes
                result.resealed += 1
            except NotesUnavailable:
                result.failed_ids.append(_row_name(row))
    return result
