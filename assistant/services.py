"""Writes of the AI activity ledger: one row per tool call, and the rows of an imported export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assistant.access import Access
from assistant.models import EXPORTED_FIELDS, AIActivity, Outcome
from creatorvault.context import current_request_id
from creatorvault.errors import ValidationFailed


def activity_record(
    *,
    access: Access,
    tool: str,
    error_code: str = "",
    idea_ids: Iterable[Any] = (),
    fields_returned: Sequence[str] = (),
    fields_changed: Sequence[str] = (),
) -> AIActivity:
    """Record one tool call by `access`'s client: which ideas and fields, how it ended. Never content."""
    return AIActivity.objects.create(
        user=access.owner,
        at=timezone.now(),
        surface=access.surface,
        tool=tool,
        idea_ids=list(dict.fromkeys(str(idea_id) for idea_id in idea_ids)),
        fields_returned=list(fields_returned),
        fields_changed=list(fields_changed),
        client_name=access.client_name,
        credential=access.credential,
        token_ref=access.token_ref,
        outcome=Outcome.ERROR if error_code else Outcome.OK,
        error_code=error_code,
        request_id=current_request_id(),
    )


def activity_erase(*, user: User) -> int:
    """Delete the user's whole ledger; return how many rows went."""
    deleted, _ = AIActivity.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def activity_import(*, user: User, rows: Any) -> int:
    """Replace the user's ledger with the rows of an export (`activity_export`); return how many.

    Every row is checked like the model checks it; one bad row refuses the whole import.
    """
    if not isinstance(rows, list):
        raise ValidationFailed("`ai_activity` must be a list of rows.")
    fields = {f.name: f for f in AIActivity._meta.concrete_fields}
    records = []
    for data in rows:
        if not isinstance(data, dict):
            raise ValidationFailed("Every entry of `ai_activity` must be an object.")
        record = AIActivity(user=user)
        try:
            for name in EXPORTED_FIELDS:
                if name in data:
                    setattr(record, name, fields[name].to_python(data[name]))
            record.full_clean(exclude=["user"])
        except ValidationError as exc:
            raise ValidationFailed(f"An `ai_activity` row is not valid: {exc.messages[0]}") from None
        records.append(record)
    AIActivity.objects.filter(user=user).delete()
    AIActivity.objects.bulk_create(records, batch_size=500)
    return len(records)
