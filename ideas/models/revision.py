"""Revisions: the earlier contents of an idea, kept when a write replaced them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ideas.models.idea import TITLE_MAX_CHARS, Idea, Priority, Stage
from ideas.models.sealed import SealedNotes


class IdeaRevision(SealedNotes, models.Model):
    """An earlier state of an idea's content, kept when a write replaced it (`ideas.services.content`).

    `number` counts an idea's revisions from 1 and never repeats; `version` is the idea's version
    (ETag) while it had this content. The notes stay sealed: the ciphertext is the one the idea
    held, bound to the same idea and owner, so a revision opens only where its idea does and a
    database dump shows no note text. Revisions are never indexed for search.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    # The owner the sealed notes are bound to (always the idea's owner).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=TITLE_MAX_CHARS)
    notes_sealed = models.TextField(blank=True, default="", editable=False)
    notes_key_id = models.CharField(max_length=32, blank=True, default="", editable=False, db_index=True)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    tags = models.JSONField(default=list, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    due_date = models.DateTimeField(null=True, blank=True)
    # When the idea got this content, and when a later write replaced it.
    saved_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    # The content fields that the replacing write changed, in field order.
    changed_fields = models.JSONField(default=list, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Also the index that serves "an idea's revisions, newest first" and the retention prune.
            models.UniqueConstraint(fields=["idea", "number"], name="idearevision_idea_number_uniq"),
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of idea {self.idea_id}"

    def notes_bound_to(self) -> tuple[Any, Any]:
        """A revision keeps its idea's sealed value, bound to that idea and its owner."""
        return self.idea_id, self.owner_id
