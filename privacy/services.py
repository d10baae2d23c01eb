"""Writes of a creator's data: an export document back in (`user_data_import`), or everything gone.

`user_data_import` takes an export document (`privacy.document`) back, keeping ids and timestamps,
and re-seals the notes under the current key through the ideas' one writer of notes.

`user_erase` deletes the creator's ideas, their word-index entries, their personal access tokens,
admin log entries about them or their ideas or tokens (those carry titles, token names and e-mail
addresses), the free-text reasons of note reveals, the AI activity ledger, and the profile itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Field, Q

from accounts.models import PersonalAccessToken, User
from assistant.chat.services import conversations_erase, conversations_import
from assistant.services import activity_erase, activity_import
from audit.services import note_reveals_forget_ideas
from creatorvault.errors import Conflict, ValidationFailed
from ideas.models import Idea, IdeaNoteToken, SealedNotes
from ideas.services.notes import idea_save, notes_seal_into
from privacy.document import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    TOKENS_LABEL,
    all_ideas_of,
    child_fields,
    idea_child_models,
    idea_fields,
    natural_key,
)


def _check_document(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ValidationFailed(f"Not a CreatorVault export (expected format {EXPORT_FORMAT!r}).")
    if document.get("version") != EXPORT_VERSION:
        raise ValidationFailed(f"Unsupported export version (this server reads version {EXPORT_VERSION}).")
    if not isinstance(document.get("user"), dict) or not isinstance(document.get("ideas"), list):
        raise ValidationFailed("The export needs a `user` object and an `ideas` list.")


@dataclass(frozen=True)
class ImportSummary:
    """What `user_data_import` did."""

    user_id: str
    user_created: bool
    ideas_imported: int


@transaction.atomic
def user_data_import(*, document: dict[str, Any]) -> ImportSummary:
    """Re-create (or refresh) a user and their ideas from an export document, keeping ids and times.

    Refuses (`Conflict`) when the document's user id or e-mail, or one of its idea ids, belongs to
    someone else. Ideas already present for this user are overwritten with the document's values.
    """
    if isinstance(document, dict) and document.get("success") is True and "data" in document:
        document = document["data"]  # the API's envelope around the document
    _check_document(document)
    profile = document["user"]
    user_id, email = str(profile.get("id") or ""), str(profile.get("email") or "")
    if not user_id or not email:
        raise ValidationFailed("The export's user needs an `id` and an `email`.")
    if User.objects.filter(email__iexact=email).exclude(pk=user_id).exists():
        raise Conflict("Another user already has this export's e-mail address.")
    user, created = User.objects.get_or_create(
        pk=user_id, defaults={"email": email.lower(), "name": profile.get("name") or ""}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    stamps = {k: models.DateTimeField().to_python(profile.get(k)) for k in ("created_at", "updated_at")}
    User.objects.filter(pk=user.pk).update(
        email=email.lower(), name=profile.get("name") or "", **{k: v for k, v in stamps.items() if v}
    )

    fields = idea_fields()
    count = 0
    for row in document["ideas"]:
        if not isinstance(row, dict):
            raise ValidationFailed("Every entry of `ideas` must be an object.")
        _import_idea(user=user, row=row, fields=fields)
        count += 1
    related = document.get("related") or {}
    if not isinstance(related, dict):
        raise ValidationFailed("`related` must map model names to lists of rows.")
    for label, rows in related.items():
        if label == TOKENS_LABEL:
            # Credentials are not restored (their secrets never leave the server); the creator
            # makes new tokens. Exports from before tokens existed have no such section.
            if not isinstance(rows, list):
                raise ValidationFailed(f"The export's `related` {label!r} must be a list.")
            continue
        _import_children(user=user, label=str(label), rows=rows)
    if "ai_activity" in document:  # absent from exports made before the ledger existed
        activity_import(user=user, rows=document["ai_activity"])
    if "conversations" in document:  # absent from exports made before the chat existed
        conversations_import(user=user, rows=document["conversations"])
    return ImportSummary(user_id=user.pk, user_created=created, ideas_imported=count)


def _import_children(*, user: User, label: str, rows: Any) -> None:
    """Re-create rows that hang off the user's ideas (same ids), re-sealing their notes."""
    model = next((m for m in idea_child_models() if m._meta.label == label), None)
    if model is None or not isinstance(rows, list):
        raise ValidationFailed(f"The export's `related` names {label!r}, which this server does not keep.")
    own_ideas = {str(pk) for pk in all_ideas_of(user).values_list("pk", flat=True)}
    fields = child_fields(model)
    for data in rows:
        if not isinstance(data, dict) or str(data.get("idea_id")) not in own_ideas:
            raise ValidationFailed(f"A {label} row in the export does not belong to one of its ideas.")
        try:
            values = {f.attname: f.to_python(data[f.attname]) for f in fields if f.attname in data}
        except ValidationError as exc:
            raise ValidationFailed(f"A {label} row has an invalid value: {exc.messages[0]}") from None
        if any(f.name == "owner" for f in model._meta.concrete_fields):
            values["owner_id"] = user.pk
        row = model(**values)
        if isinstance(row, SealedNotes):
            notes_seal_into(row, str(data.get("notes") or ""))
        # Replace the user's own row with the same natural key (its idea is one of the user's,
        # checked above); never match by primary key, which may be another user's row.
        key = natural_key(model)
        if key:
            model._default_manager.filter(**{name: getattr(row, name) for name in key}).delete()
        row.save(force_insert=True)


def _import_idea(*, user: User, row: dict[str, Any], fields: list[Field[Any, Any]]) -> None:
    try:
        values = {f.name: f.to_python(row[f.name]) for f in fields if f.name in row}
    except ValidationError as exc:
        raise ValidationFailed(f"An idea in the export has an invalid value: {exc.messages[0]}") from None
    idea_id = values.get("id")
    if idea_id is None:
        raise ValidationFailed("Every idea in the export needs an `id`.")
    if Idea.objects.filter(pk=idea_id).exclude(user=user).exists():
        raise Conflict("An idea id in the export belongs to another user.")
    existing = Idea.objects.filter(pk=idea_id).first()
    idea = existing or Idea(pk=idea_id, user=user)
    for name, value in values.items():
        setattr(idea, name, value)
    try:
        idea.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(f"An idea in the export is not valid: {exc.messages[0]}") from None
    idea_save(idea, notes=str(row.get("notes") or ""), create=existing is None)
    # save() stamps auto_now fields; the document's own times win.
    stamps = {
        f.name: values[f.name]
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    stamps = {k: v for k, v in stamps.items() if v is not None}
    if stamps:
        Idea.objects.filter(pk=idea.pk).update(**stamps)


@dataclass(frozen=True)
class ErasureSummary:
    """How many rows `user_erase` removed, by kind."""

    ideas: int
    index_entries: int
    log_entries: int
    tokens: int
    ai_activity: int = 0
    conversations: int = 0


@transaction.atomic
def user_erase(*, user: User) -> ErasureSummary:
    """Erase `user` entirely: ideas, word index, personal access tokens, admin log entries about them
    (or their ideas or tokens), the AI activity ledger, the chat's conversations, and the profile."""
    idea_ids = [str(pk) for pk in all_ideas_of(user).values_list("pk", flat=True)]
    token_ids = list(PersonalAccessToken.objects.filter(owner=user).values_list("pk", flat=True))
    tokens, _ = PersonalAccessToken.objects.filter(owner=user).delete()
    index_entries, _ = IdeaNoteToken.objects.filter(owner=user).delete()
    _, deleted_by_model = all_ideas_of(user).delete()
    ideas = deleted_by_model.get(Idea._meta.label, 0)
    user_type = ContentType.objects.get_for_model(User)
    idea_type = ContentType.objects.get_for_model(Idea)
    token_type = ContentType.objects.get_for_model(PersonalAccessToken)
    # Admin log lines about their tokens (revocations) carry the tokens' names.
    about_them = (
        Q(user=user)
        | Q(content_type=user_type, object_id=str(user.pk))
        | Q(content_type=token_type, object_id__in=token_ids)
    )
    log_entries = 0
    for start in range(0, max(len(idea_ids), 1), 500):
        chunk = idea_ids[start : start + 500]
        query = about_them | Q(content_type=idea_type, object_id__in=chunk) if chunk else about_them
        deleted, _ = LogEntry.objects.filter(query).delete()
        log_entries += deleted
    note_reveals_forget_ideas(idea_ids=idea_ids)  # backoffice audit: keep the fact, drop the free text
    ai_activity = activity_erase(user=user)
    conversations = conversations_erase(user=user)
    user.delete()
    return ErasureSummary(
        ideas=ideas,
        index_entries=index_entries,
        log_entries=log_entries,
        tokens=tokens,
        ai_activity=ai_activity,
        conversations=conversations,
    )
