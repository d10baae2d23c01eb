"""Bulk changes: one change applied to up to 500 of the caller's ideas, all or nothing.

Every listed idea is locked (in id order, so two bulk requests cannot deadlock) before anything is
written. If any id is not a live idea of the caller's (someone else's, missing, or in the trash),
the whole request is a 404 `NOT_FOUND` whose details list each such id, and nothing changes.
Ideas whose content really changes get a new version (ETag) and keep a revision of the content
they had, like any other write; ideas already in the requested state are left untouched and
reported as unchanged. `trash` moves every listed idea to the trash (no content change: no
revision, no new version, exactly like `DELETE /ideas/{id}`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from creatorvault.errors import Conflict, NotFound, ValidationFailed, field_error
from ideas.models import TAGS_MAX_COUNT, Idea
from ideas.rules import RuleViolation, clean_priority, clean_stage, clean_tags, unique_tags
from ideas.services.content import ideas_change_locked

BULK_MAX_IDS = 500


class BulkAction(StrEnum):
    """What a bulk request does to each idea."""

    SET_STAGE = "set_stage"
    SET_PRIORITY = "set_priority"
    ADD_TAGS = "add_tags"
    REMOVE_TAGS = "remove_tags"
    TRASH = "trash"


@dataclass(frozen=True)
class BulkResult:
    """Which of the requested ideas changed, in request order."""

    action: str
    changed_ids: list[uuid.UUID]
    unchanged_ids: list[uuid.UUID]


def _clean_value(action: BulkAction, value: Any) -> Any:
    """The action's value, normalised by the field rules; `ValidationFailed` on field `value`."""
    try:
        if action is BulkAction.SET_STAGE:
            return clean_stage(value)
        if action is BulkAction.SET_PRIORITY:
            return clean_priority(value)
        if action in (BulkAction.ADD_TAGS, BulkAction.REMOVE_TAGS):
            tags = clean_tags(value)
            if not tags:
                raise RuleViolation("Give at least one tag.", "empty")
            return tags
    except RuleViolation as violation:
        detail = field_error("value", violation.message, violation.code)
        raise ValidationFailed(f"value: {violation.message}", details=[detail]) from None
    if value is not None:
        detail = field_error("value", "trash takes no value.", "unexpected")
        raise ValidationFailed("value: trash takes no value.", details=[detail])
    return None


def _not_found(index: int, idea_id: object) -> dict[str, Any]:
    return field_error(f"ids[{index}]", f"No such idea: {idea_id}.", "not_found")


def _wanted_ids(ids: Sequence[uuid.UUID | str]) -> tuple[dict[uuid.UUID, int], list[dict[str, Any]]]:
    """The distinct requested ids (with where each first appears), and a detail per malformed one."""
    wanted: dict[uuid.UUID, int] = {}
    malformed: list[dict[str, Any]] = []
    for index, raw in enumerate(ids):
        try:
            idea_id = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        except ValueError:
            malformed.append(_not_found(index, raw))
            continue
        wanted.setdefault(idea_id, index)
    return wanted, malformed


def _change_for(action: BulkAction, value: Any) -> tuple[Callable[[Idea], None], list[str]]:
    """The per-idea change of `action` and the columns it touches."""
    if action is BulkAction.SET_STAGE:
        return (lambda idea: setattr(idea, "stage", value)), ["stage"]
    if action is BulkAction.SET_PRIORITY:
        return (lambda idea: setattr(idea, "priority", value)), ["priority"]
    if action is BulkAction.ADD_TAGS:
        return (lambda idea: setattr(idea, "tags", unique_tags([*idea.tags, *value]))), ["tags"]
    removed = set(value)
    return (lambda idea: setattr(idea, "tags", [t for t in idea.tags if t not in removed])), ["tags"]


@transaction.atomic
def ideas_bulk_apply(
    *, owner: User, ids: Sequence[uuid.UUID | str], action: str, value: Any = None
) -> BulkResult:
    """Apply `action` (with `value`) to every idea in `ids`, all or nothing; see the module docstring."""
    try:
        bulk_action = BulkAction(action)
    except ValueError:
        detail = field_error("action", f"Must be one of: {', '.join(BulkAction)}.", "invalid_choice")
        raise ValidationFailed("action: unknown action.", details=[detail]) from None
    if not 1 <= len(ids) <= BULK_MAX_IDS:
        detail = field_error("ids", f"Give 1 to {BULK_MAX_IDS} ids.", "length")
        raise ValidationFailed(f"ids: give 1 to {BULK_MAX_IDS} ids.", details=[detail])
    cleaned = _clean_value(bulk_action, value)
    wanted, not_found = _wanted_ids(ids)
    ideas = list(Idea.objects.for_owner(owner).select_for_update().filter(pk__in=wanted).order_by("pk"))
    found = {idea.pk for idea in ideas}
    for idea_id, index in wanted.items():
        if idea_id not in found:
            not_found.append(_not_found(index, idea_id))
    if not_found:
        not_found.sort(key=lambda detail: int(detail["field"][4:-1]))
        raise NotFound(
            f"{len(not_found)} of the ids are not ideas of yours; nothing changed.", details=not_found
        )

    now = timezone.now()
    if bulk_action is BulkAction.TRASH:
        for idea in ideas:
            idea.trashed_at = now
        Idea.objects.bulk_update(ideas, fields=["trashed_at"], batch_size=BULK_MAX_IDS)
        changed_ids = found
    else:
        if bulk_action is BulkAction.ADD_TAGS:
            _refuse_too_many_tags(ideas, cleaned)
        change, fields = _change_for(bulk_action, cleaned)
        changed_ids = {idea.pk for idea in ideas_change_locked(ideas, change, fields=fields, now=now)}
    return BulkResult(
        action=bulk_action.value,
        changed_ids=[i for i in wanted if i in changed_ids],
        unchanged_ids=[i for i in wanted if i not in changed_ids],
    )


def _refuse_too_many_tags(ideas: Sequence[Idea], tags: list[str]) -> None:
    """`Conflict` naming every idea that would carry more than `TAGS_MAX_COUNT` tags."""
    over = [idea for idea in ideas if len(unique_tags([*idea.tags, *tags])) > TAGS_MAX_COUNT]
    if over:
        details = [
            field_error("value", f"Idea {idea.pk} would carry more than {TAGS_MAX_COUNT} tags.", "max_length")
            for idea in over
        ]
        raise Conflict(
            f"{len(over)} idea(s) would carry more than {TAGS_MAX_COUNT} tags; nothing changed.",
            details=details,
        )
