"""Serializers of bulk changes: the body (documented as one shape per action) and the result."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from creatorvault.api.serializers import StrictInputSerializer
from ideas.api.serializers.fields import PriorityField, StageField, TagField
from ideas.models import TAGS_MAX_COUNT
from ideas.services.bulk import BULK_MAX_IDS, BulkAction

IDS_HELP = f"1 to {BULK_MAX_IDS} of your ideas' ids (repeats count once)."


def _ids_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=BULK_MAX_IDS, help_text=IDS_HELP
    )


class IdeaBulkSerializer(StrictInputSerializer):
    """Body of `POST /ideas/bulk` as parsed; the service checks `value` against the action."""

    ids = _ids_field()
    action = serializers.ChoiceField(choices=[action.value for action in BulkAction])
    value = serializers.JSONField(required=False, allow_null=True, default=None)


def _bulk_variant(name: str, action: BulkAction, value: serializers.Field | None, doc: str) -> type:
    """One documented shape of the bulk body (the OpenAPI `oneOf` keyed by `action`)."""
    attrs: dict[str, Any] = {
        "__doc__": doc,
        "__module__": __name__,
        "ids": _ids_field(),
        "action": serializers.ChoiceField(choices=[action.value]),
    }
    if value is not None:
        attrs["value"] = value
    return type(name, (StrictInputSerializer,), attrs)


BULK_VARIANTS: dict[str, type] = {
    BulkAction.SET_STAGE.value: _bulk_variant(
        "BulkSetStage", BulkAction.SET_STAGE, StageField(), "Move every idea to `value` (a stage)."
    ),
    BulkAction.SET_PRIORITY.value: _bulk_variant(
        "BulkSetPriority", BulkAction.SET_PRIORITY, PriorityField(), "Give every idea the priority `value`."
    ),
    BulkAction.ADD_TAGS.value: _bulk_variant(
        "BulkAddTags",
        BulkAction.ADD_TAGS,
        serializers.ListField(child=TagField(), min_length=1, max_length=TAGS_MAX_COUNT),
        "Append the tags of `value` to every idea (each idea keeps at most 20 tags: more is a 409).",
    ),
    BulkAction.REMOVE_TAGS.value: _bulk_variant(
        "BulkRemoveTags",
        BulkAction.REMOVE_TAGS,
        serializers.ListField(child=TagField(), min_length=1, max_length=TAGS_MAX_COUNT),
        "Remove the tags of `value` from every idea.",
    ),
    BulkAction.TRASH.value: _bulk_variant(
        "BulkTrash", BulkAction.TRASH, None, "Move every idea to the trash (no `value`)."
    ),
}


class IdeaBulkSchema(OpenApiSerializerExtension):
    """Documents the bulk body as `oneOf` its variants, keyed by `action` (still a required body)."""

    target_class = "ideas.api.serializers.bulk.IdeaBulkSerializer"
    priority = 1  # over the generic strict-body extension, which would describe the parsing shape

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        refs = {
            action: auto_schema.resolve_serializer(variant, direction).ref
            for action, variant in BULK_VARIANTS.items()
        }
        # No `"type": "object"` beside `oneOf`: drf-spectacular drops object components without
        # properties. `required` keeps the body itself required.
        return {
            "required": ["ids", "action"],
            "oneOf": list(refs.values()),
            "discriminator": {
                "propertyName": "action",
                "mapping": {a: ref["$ref"] for a, ref in refs.items()},
            },
        }


class IdeaBulkResultSerializer(serializers.Serializer):
    """Which of the requested ideas changed."""

    action = serializers.ChoiceField(choices=[action.value for action in BulkAction])
    changed = serializers.ListField(
        child=serializers.UUIDField(),
        source="changed_ids",
        help_text="Ids of the ideas that changed (a new version each, except `trash`), in request order.",
    )
    unchanged = serializers.ListField(
        child=serializers.UUIDField(),
        source="unchanged_ids",
        help_text="Ids of the ideas already in the requested state (left untouched).",
    )
