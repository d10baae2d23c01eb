"""Audit records kept by the backoffice."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class NoteReveal(models.Model):
    """One time a staff member revealed one idea's notes for a moderation case.

    The idea is referenced by id only (no foreign key): the record must outlive the idea, and
    it carries no title or note text, so keeping it after the creator's erasure reveals nothing
    about what they wrote. The staff member's e-mail is copied so the record stays readable if
    the staff account is later removed.
    """

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="note_reveals"
    )
    staff_email = models.EmailField(max_length=254)
    idea_id = models.UUIDField(db_index=True)
    reason = models.CharField(max_length=500)
    revealed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-revealed_at", "-id")
        verbose_name = "note reveal"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["staff", "revealed_at"], name="notereveal_staff_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.staff_email} revealed idea {self.idea_id} at {self.revealed_at:%Y-%m-%d %H:%M:%S}"
