"""The AI activity ledger: what an AI client did with a creator's ideas, never what they say."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

CLIENT_NAME_MAX_CHARS = 100
#: Fields of a ledger row that an export carries (everything but the owner and this database's id).
EXPORTED_FIELDS: tuple[str, ...] = (
    "at",
    "surface",
    "tool",
    "idea_ids",
    "fields_returned",
    "fields_changed",
    "client_name",
    "credential",
    "token_ref",
    "outcome",
    "error_code",
    "request_id",
)


class Surface(models.TextChoices):
    """Where the call came from."""

    MCP = "mcp", "MCP client"
    CHAT = "chat", "CreatorVault chat"


class Credential(models.TextChoices):
    """What the caller authenticated with."""

    SESSION = "session", "Better Auth session"
    PERSONAL_TOKEN = "personal_token", "Personal access token"


class Outcome(models.TextChoices):
    """How a call ended."""

    OK = "ok", "Done"
    ERROR = "error", "Refused or failed"


class AIActivity(models.Model):
    """One tool call (or prompt) an AI client made on a creator's behalf.

    It names the tool, the ideas it touched, which of their fields it returned or changed, the
    client and the credential, the outcome and the time. It never holds content: no titles, no
    notes, no search terms, no arguments. The creator reads it at `GET /api/v1/users/me/ai-activity`;
    it travels in the export and goes with erasure. Idea ids are plain values, not foreign keys,
    so the record of what happened outlives an idea purged from the trash.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    surface = models.CharField(max_length=8, choices=Surface.choices)
    tool = models.CharField(max_length=64)
    idea_ids = models.JSONField(default=list, blank=True)
    fields_returned = models.JSONField(default=list, blank=True)
    fields_changed = models.JSONField(default=list, blank=True)
    client_name = models.CharField(max_length=CLIENT_NAME_MAX_CHARS, blank=True, default="")
    credential = models.CharField(max_length=16, choices=Credential.choices)
    # Which personal token (its public prefix); empty for a session.
    token_ref = models.CharField(max_length=64, blank=True, default="")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # The tool error's code when the outcome is an error (e.g. `not_found`, `invalid_arguments`).
    error_code = models.CharField(max_length=40, blank=True, default="")
    request_id = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        verbose_name = "AI activity"
        verbose_name_plural = "AI activity"
        indexes: ClassVar[list[models.Index]] = [
            # The creator's ledger, newest first, cursor-paginated by (at, id).
            models.Index(fields=["user", "at", "id"], name="aiactivity_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.tool} ({self.outcome}) at {self.at:%Y-%m-%d %H:%M:%S}"
