"""The keyed word index of notes: one truncated HMAC per distinct word, never the word."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from ideas.models.idea import Idea


class IdeaNoteToken(models.Model):
    """One word of an idea's notes in the keyed search index: a truncated HMAC, never the word.

    Hashed with a key derived for the owner from the key that sealed the idea's notes
    (`creatorvault.sealing`), so equal words of two users look unrelated. Looked up owner first.
    """

    # Keyed by (idea, word): the primary key's index serves every lookup (and cascade) by idea and
    # keeps an idea's words distinct; the owner leads `ideanotetoken_owner_word_idx`. No surrogate
    # id (migration 0013): nothing read it, and each entry paid for it with a sequence value and
    # one more index entry. Each index more is one more entry to write per word of every note saved.
    pk = models.CompositePrimaryKey("idea", "token_hash")
    # No foreign-key constraint in the database either: an entry is only ever written in the
    # same statement as its idea (`Idea._do_insert`) or by the services that rewrite an idea's
    # notes, for the idea's own owner, and the ORM's cascade deletes the entries with their idea
    # or owner (Django emulates `on_delete`; the database constraints only checked). Each
    # constraint was one deferred check per entry at commit, and locked the owner's and the
    # idea's rows FOR KEY SHARE once per entry: the two were ~17% of the database's CPU for a
    # create with seven words (a psycopg loop on the bench database, 0.66 -> 0.55 ms).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="note_tokens", db_index=False, db_constraint=False
    )
    token_hash = models.BinaryField(max_length=16)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            # The idea id too, so a search finds the owner's ideas holding a word from the index
            # alone (an index-only scan): the entries of one word lie all over the table, and
            # visiting each row cost the heavy creator's search page 65 of its 70 ms (bench).
            models.Index(fields=["owner", "token_hash", "idea"], name="ideanotetoken_owner_word_idx"),
        ]

    def __str__(self) -> str:
        return f"index entry of idea {self.idea_id}"
