"""Data portability and erasure: a creator's whole data out as one JSON document, back in, or gone.

The export document (`format` `creatorvault.user-export`, `version` 1)::

    {"format": "creatorvault.user-export", "version": 1, "exported_at": "…",
     "user": {"id", "email", "name", "created_at", "updated_at"},
     "ideas": [{"id", "title", "notes", "stage", "tags", "priority", "due_date", …every stored
                field of the idea, notes in plain text…}],
     "related": {"ideas.IdeaRevision": [{…every stored field, notes in plain text…}], …}}

Fields are taken from the models themselves (every concrete column but the owner and the sealed
columns, plus the plain `notes`), and `related` holds the rows of every model that hangs off an
idea (`idea_child_models`, e.g. revisions), so what is added later is exported and re-imported
without touching this module. Ideas in the trash are exported too. `user_data_import` takes
such a document back (same ids and timestamps) and re-seals the notes under the current key.

`user_erase` deletes the creator's ideas, their word-index entries, admin log entries about them
or their ideas (those carry titles and e-mail addresses), and the profile itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Field, Q, QuerySet
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from accounts.models import User
from audit.services import note_reveals_forget_ideas
from creatorvault.errors import Conflict, NotFound, ValidationFailed
from ideas import sealing
from ideas.models import Idea, IdeaNoteToken
from ideas.notes import note_index_sync, notes_open, notes_seal, sealed_binding, sealed_row_open

EXPORT_FORMAT = "creatorvault.user-export"
EXPORT_VERSION = 1
USER_FIELDS = ("id", "email", "name", "created_at", "updated_at")
# Columns that are storage details of the plain `notes`, or the owner (implied by the document).
_IDEA_SKIPPED = {"user", "notes_sealed", "notes_key_id"}


def _idea_fields() -> list[Field[Any, Any]]:
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


def _plain(value: Any) -> Any:
    """A JSON-ready value (UUIDs and datetimes as ISO 8601 strings, UTC as `Z`)."""
    return json.loads(json.dumps(value, cls=_ExactEncoder))


def _all_ideas_of(user: User) -> QuerySet[Idea]:
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


def _child_fields(model: type[models.Model]) -> list[Field[Any, Any]]:
    # The owner is implied by the document; sealed columns travel as the plain `notes`. A serial
    # primary key is this database's numbering, not the row's identity: another database (or this
    # one, later) may give the same number to someone else's row, so it is neither exported nor
    # imported; the row is known by its natural key (`_natural_key`).
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in ("owner", "notes_sealed", "notes_key_id")
        and not (f.primary_key and isinstance(f, AutoFieldMixin))
    ]


def _natural_key(model: type[models.Model]) -> tuple[str, ...]:
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


def _child_export(model: type[models.Model], idea_ids: list[Any]) -> list[dict[str, Any]]:
    rows = []
    sealed = hasattr(model, "notes_sealed")
    fields = _child_fields(model)
    for row in model._default_manager.filter(idea_id__in=idea_ids).order_by("pk").iterator(chunk_size=500):
        data = {f.attname: _plain(f.value_from_object(row)) for f in fields}
        if sealed:
            data["notes"] = sealed_row_open(row)
        rows.append(data)
    return rows


# --- Lookup -------------------------------------------------------------------------------------


def user_lookup(*, identifier: str) -> User:
    """The user whose id is `identifier`, else whose e-mail is (case-insensitively); `NotFound` if none."""
    identifier = identifier.strip()
    user = User.objects.filter(pk=identifier).first() or User.objects.filter(email__iexact=identifier).first()
    if user is None:
        raise NotFound("No user has that id or e-mail address.")
    return user


# --- Export -------------------------------------------------------------------------------------


def user_data_export(*, user: User) -> dict[str, Any]:
    """All of `user`'s data as one JSON-ready document (notes in plain text)."""
    fields = _idea_fields()
    ideas: list[dict[str, Any]] = []
    idea_ids: list[Any] = []
    for idea in _all_ideas_of(user).order_by("created_at", "pk").iterator(chunk_size=500):
        row = {f.name: _plain(f.value_from_object(idea)) for f in fields}
        row["notes"] = notes_open(idea)
        ideas.append(row)
        idea_ids.append(idea.pk)
    related = {model._meta.label: _child_export(model, idea_ids) for model in idea_child_models()}
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _plain(timezone.now()),
        "user": {name: _plain(getattr(user, name)) for name in USER_FIELDS},
        "ideas": ideas,
        # Rows that hang off those ideas (e.g. revisions), by model, notes in plain text.
        "related": related,
    }


# --- Import -------------------------------------------------------------------------------------


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

    fields = _idea_fields()
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
        _import_children(user=user, label=str(label), rows=rows)
    return ImportSummary(user_id=user.pk, user_created=created, ideas_imported=count)


def _import_children(*, user: User, label: str, rows: Any) -> None:
    """Re-create rows that hang off the user's ideas (same ids), re-sealing their notes."""
    model = next((m for m in idea_child_models() if m._meta.label == label), None)
    if model is None or not isinstance(rows, list):
        raise ValidationFailed(f"The export's `related` names {label!r}, which this server does not keep.")
    own_ideas = {str(pk) for pk in _all_ideas_of(user).values_list("pk", flat=True)}
    fields = _child_fields(model)
    sealed = hasattr(model, "notes_sealed")
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
        if sealed:
            text = str(data.get("notes") or "")
            sealed_value = sealing.seal(text, **sealed_binding(row)) if text else ""
            row.__dict__["notes_sealed"] = sealed_value
            row.__dict__["notes_key_id"] = sealing.sealed_key_id(sealed_value) if text else ""
        # Replace the user's own row with the same natural key (its idea is one of the user's,
        # checked above); never match by primary key, which may be another user's row.
        key = _natural_key(model)
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
    idea = Idea.objects.filter(pk=idea_id).first() or Idea(pk=idea_id, user=user)
    for name, value in values.items():
        setattr(idea, name, value)
    notes_seal(idea, str(row.get("notes") or ""))
    try:
        idea.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(f"An idea in the export is not valid: {exc.messages[0]}") from None
    idea.save()
    # save() stamps auto_now fields; the document's own times win.
    stamps = {
        f.name: values[f.name]
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    stamps = {k: v for k, v in stamps.items() if v is not None}
    if stamps:
        Idea.objects.filter(pk=idea.pk).update(**stamps)
    note_index_sync(idea, force=True)


# --- Erasure ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureSummary:
    """How many rows `user_erase` removed, by kind."""

    ideas: int
    index_entries: int
    log_entries: int


@transaction.atomic
def user_erase(*, user: User) -> ErasureSummary:
    """Erase `user` entirely: ideas, word index, admin log entries about them, and the profile."""
    idea_ids = [str(pk) for pk in _all_ideas_of(user).values_list("pk", flat=True)]
    index_entries, _ = IdeaNoteToken.objects.filter(owner=user).delete()
    _, deleted_by_model = _all_ideas_of(user).delete()
    ideas = deleted_by_model.get(Idea._meta.label, 0)
    user_type = ContentType.objects.get_for_model(User)
    idea_type = ContentType.objects.get_for_model(Idea)
    about_them = Q(user=user) | Q(content_type=user_type, object_id=str(user.pk))
    log_entries = 0
    for start in range(0, max(len(idea_ids), 1), 500):
        chunk = idea_ids[start : start + 500]
        query = about_them | Q(content_type=idea_type, object_id__in=chunk) if chunk else about_them
        deleted, _ = LogEntry.objects.filter(query).delete()
        log_entries += deleted
    note_reveals_forget_ideas(idea_ids=idea_ids)  # backoffice audit: keep the fact, drop the free text
    user.delete()
    return ErasureSummary(ideas=ideas, index_entries=index_entries, log_entries=log_entries)
