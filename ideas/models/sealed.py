"""Notes at rest: how an idea's notes are sealed, bound, opened and hashed for the word index.

A model with sealed notes has two columns, `notes_sealed` (the value `creatorvault.sealing` seals)
and `notes_key_id` (its key id, repeated for indexed key usage), and mixes in `SealedNotes`, which
opens them read-only. Notes of an idea and of its revisions are bound to the idea and its owner,
so a value copied onto another row, or another owner's idea, does not open. Only
`ideas.services.notes` writes these columns.

A value that fails to open (tampered with, moved, or sealed under a key that is no longer
configured) is logged with the row's idea id and key id, never its text, and surfaces as
`NotesUnavailable`: a 500 `INTERNAL_ERROR` envelope carrying only the request id. Failing loudly is
deliberate: answering empty notes would invite the client to save them back and lose the text.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from creatorvault import sealing
from creatorvault.errors import ApplicationError, with_request_id

logger = logging.getLogger("ideas.sealing")

#: The purpose in every sealed note's associated data. Part of every stored value: never change it.
NOTES_AAD_PURPOSE = b"creatorvault/idea-notes/v1"

# Where an instance keeps its opened notes, paired with the sealed value they came from, so a
# refresh_from_db() or a rotation never serves stale plain text.
_OPENED_ATTR = "_opened_notes"


class NotesUnavailable(ApplicationError):
    """Sealed notes cannot be opened; details are in the server log, never the response."""

    code = "INTERNAL_ERROR"
    status = 500
    default_message = "This idea's notes cannot be opened."

    def __init__(self) -> None:
        super().__init__(with_request_id(self.default_message))


def notes_aad(*, idea_id: object, owner_id: object) -> bytes:
    """The associated data of an idea's notes: the idea (in canonical UUID form) and its owner."""
    canonical = idea_id if isinstance(idea_id, uuid.UUID) else uuid.UUID(str(idea_id))
    return sealing.associated_data(NOTES_AAD_PURPOSE, canonical, owner_id)


def notes_seal_value(text: str, *, idea_id: object, owner_id: object, key_id: str | None = None) -> str:
    """`text` sealed for this idea and owner ("" for no notes)."""
    if not text:
        return ""
    return sealing.seal(text, aad=notes_aad(idea_id=idea_id, owner_id=owner_id), key_id=key_id)


def notes_open_value(value: str, *, idea_id: object, owner_id: object) -> str:
    """The text of a sealed value of this idea and owner (a `SealError` if it does not open)."""
    if not value:
        return ""
    return sealing.unseal(value, aad=notes_aad(idea_id=idea_id, owner_id=owner_id))


def notes_word_hashes(text: str, *, owner_id: object, key_id: str | None = None) -> set[bytes]:
    """The word-index entries of `text` for `owner_id`, under `key_id` (default: the current key)."""
    if not text:
        return set()
    return sealing.word_hashes(text, scope=owner_id, key_id=key_id)


class SealedNotes:
    """Read-only plain `notes` over a model's `notes_sealed` / `notes_key_id` columns."""

    notes_sealed: str
    notes_key_id: str
    pk: Any

    def notes_bound_to(self) -> tuple[Any, Any]:
        """The idea and the owner this row's notes are bound to."""
        raise NotImplementedError

    def notes_binding(self) -> bytes:
        """The associated data this row's notes are sealed with."""
        idea_id, owner_id = self.notes_bound_to()
        return notes_aad(idea_id=idea_id, owner_id=owner_id)

    @property
    def notes(self) -> str:
        """The notes in plain text (opened once per value); `NotesUnavailable` if they will not open."""
        sealed = self.notes_sealed or ""
        opened = self.__dict__.get(_OPENED_ATTR)
        if opened is not None and opened[0] == sealed:
            return str(opened[1])
        plain = ""
        if sealed:
            try:
                plain = sealing.unseal(sealed, aad=self.notes_binding())
            except sealing.SealError as exc:
                logger.error(
                    "sealed notes failed to open",
                    extra={
                        "idea_id": str(self.notes_bound_to()[0]),
                        "row": f"{type(self).__name__}:{self.pk}",
                        "key_id": self.notes_key_id or None,
                        "reason": type(exc).__name__,
                    },
                )
                raise NotesUnavailable() from None
        self.remember_notes(plain)
        return plain

    def remember_notes(self, plain: str) -> None:
        """Keep `plain` as the opened form of the current sealed value (the writer just sealed it)."""
        self.__dict__[_OPENED_ATTR] = (self.notes_sealed or "", plain)
