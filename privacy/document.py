"""The export document: its format, and which fields of which models it carries.

    {"format": "creatorvault.user-export", "version": 1, "exported_at": "…",
     "user": {"id", "email", "name", "created_at", "updated_at"},
     "ideas": [{"id", "title", "notes", "stage", "tags", "priority", "due_date", …every stored
                field of the idea, notes in plain text…}],
     "related": {"ideas.IdeaRevision": [{…every stored field, notes in plain text…}], …,
                 "accounts.PersonalAccessToken": [{"id", "name", "prefix", "scopes", "created_at",
                                                   "expires_at", "last_used_at", "revoked_at"}]},
     "ai_activity": [{"at", "tool", "idea_ids", "fields_returned", …}],
     "conversations": [{"id", "title", "notes_access", …, "messages": [{"id", "role", "parts", "metadata"}]}]}

Fields are taken from the models themselves (every concrete column but the owner and the sealed
columns, plus the plain `notes`), and `related` holds the rows of every model that hangs off an
idea (`idea_child_models`, e.g. revisions), so what is added later is exported and re-imported
without touching this module. Ideas in the trash are exported too.

The creator's personal access tokens travel as metadata only (`TOKEN_FIELDS`, an allow-list: never
the secret, nor its hash). They are credentials, not content: an import accepts the section (and
documents without it, from before tokens existed) but re-creates no token; the creator makes new
ones. The document stays at version 1.

`ai_activity` is the AI activity ledger (`assistant.models.AIActivity`); it was added within
version 1 and is optional on import, so exports made before it still import. `conversations` (the
chat, `assistant.chat`: titles and messages in plain text, messages as `UIMessage`s) likewise.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Field, QuerySet
from django.db.models.fields import AutoFieldMixin

from accounts.models import PersonalAccessToken, User
from ideas.models import Idea, IdeaNoteToken

EXPORT_FORMAT = "creatorvault.user-export"
EXPORT_VERSION = 1
USER_FIELDS = ("id", "email", "name", "created_at", "updated_at")
TOKENS_LABEL = PersonalAccessToken._meta.label
TOKEN_FIELDS = ("id", "name", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at")
# Columns that are storage details of the plain `notes`, or the owner (implied by the document).
_IDEA_SKIPPED = {"user", "notes_sealed", "notes_key_id"}


def idea_fields() -> list[Field[Any, Any]]:
    # Generated columns (the stage and priority ranks) are derived by the database, not data.
    return [
        f
        for f in Idea._meta.concrete_fields
        if f.name not in _IDEA_SKIPPED and not isinstance(f, models.GeneratedField)
    ]


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps milliseconds only; an export must round-trip exactly (microseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def plain(value: Any) -> Any:
    """A JSON-ready value (UUIDs and datetimes as ISO 8601 strings, UTC as `Z`)."""
    return json.loads(json.dumps(value, cls=_ExactEncoder))


def all_ideas_of(user: User) -> QuerySet[Idea]:
    """Every idea of `user`, live or in the trash.

    Deliberately not `Idea.objects.for_owner`, which shows the API's view (live ideas only):
    portability and erasure concern all of the user's rows.
    """
    return Idea.objects.filter(user=user)


def idea_child_models() -> list[type[models.Model]]:
    """Models of the ideas app whose rows hang off an idea and hold the creator's content.

    For instance revisions. The keyed word index is not content (it is rebuilt from the notes).
    """
    found = []
    for model in apps.get_app_config("ideas").get_models():
        if model in (Idea, IdeaNoteToken):
            continue
        if any(f.is_relation and f.related_model is Idea for f in model._meta.concrete_fields):
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label)


def child_fields(model: type[models.Model]) -> list[Field[Any, Any]]:
    # The owner is implied by the document; sealed columns travel as the plain `notes`. A serial
    # primary key is this database's numbering, not the row's identity: another database (or this
    # one, later) may give the same number to someone else's row, so it is neither exported nor
    # imported; the row is known by its natural key (`natural_key`).
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in ("owner", "notes_sealed", "notes_key_id")
        and not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]


def natural_key(model: type[models.Model]) -> tuple[str, ...]:
    """The fields that identify a row of `model` within its idea: a unique constraint naming the idea.

    For instance `(idea, number)` for revisions. Empty when the model has none (its rows are then
    only ever added, never matched against existing ones).
    """
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            continue
        if "idea" in constraint.fields:
            columns = {f.name: f.attname for f in model._meta.concrete_fields}
            return tuple(columns[name] for name in constraint.fields)
    return ()
