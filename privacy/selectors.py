"""Reads of a creator's data: finding an account, and all of its data as one export document."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from accounts.models import PersonalAccessToken, User
from accounts.selectors import user_find
from assistant.chat.selectors import conversations_export
from assistant.selectors import activity_export
from creatorvault.errors import NotFound
from ideas.models import SealedNotes
from privacy.document import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    TOKEN_FIELDS,
    TOKENS_LABEL,
    USER_FIELDS,
    all_ideas_of,
    child_fields,
    idea_child_models,
    idea_fields,
    plain,
)


def user_lookup(*, identifier: str) -> User:
    """The user whose id is `identifier`, else whose e-mail is (case-insensitively); `NotFound` if none."""
    user = user_find(identifier=identifier)
    if user is None:
        raise NotFound("No user has that id or e-mail address.")
    return user


def _child_export(model: type[models.Model], idea_ids: list[Any]) -> list[dict[str, Any]]:
    rows = []
    fields = child_fields(model)
    for row in model._default_manager.filter(idea_id__in=idea_ids).order_by("pk").iterator(chunk_size=500):
        data = {f.attname: plain(f.value_from_object(row)) for f in fields}
        if isinstance(row, SealedNotes):
            data["notes"] = row.notes
        rows.append(data)
    return rows


def user_data_export(*, user: User) -> dict[str, Any]:
    """All of `user`'s data as one JSON-ready document (notes in plain text)."""
    fields = idea_fields()
    ideas: list[dict[str, Any]] = []
    idea_ids: list[Any] = []
    for idea in all_ideas_of(user).order_by("created_at", "pk").iterator(chunk_size=500):
        row = {f.name: plain(f.value_from_object(idea)) for f in fields}
        row["notes"] = idea.notes
        ideas.append(row)
        idea_ids.append(idea.pk)
    related = {model._meta.label: _child_export(model, idea_ids) for model in idea_child_models()}
    related[TOKENS_LABEL] = [
        {name: plain(getattr(token, name)) for name in TOKEN_FIELDS}
        for token in PersonalAccessToken.objects.filter(owner=user).order_by("created_at", "pk")
    ]
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": plain(timezone.now()),
        "user": {name: plain(getattr(user, name)) for name in USER_FIELDS},
        "ideas": ideas,
        # Rows that hang off those ideas (e.g. revisions), by model, notes in plain text; and the
        # personal access tokens' metadata.
        "related": related,
        # What AI clients did with them (never content).
        "ai_activity": plain(activity_export(user=user)),
        # The chat's conversations with their messages (titles and messages in plain text).
        "conversations": plain(conversations_export(user=user)),
    }
