"""Serializers of the safety nets: trash, revisions, tags as a whole, bulk changes.

Input serializers are strict like the ideas API's (`StrictInputSerializer`: unknown fields are
refused by name); field rules come from `ideas.validation` through the same field classes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from ideas.bulk import BULK_MAX_IDS, BulkAction
from ideas.models import TAGS_MAX_COUNT
from ideas.serializers import (
    IdeaSerializer,
    PaginationSerializer,
    PriorityField,
    StageField,
    StrictInputSerializer,
    TagField,
)

# --- Trash --------------------------------------------------------------------------------------


class TrashedIdeaSerializer(IdeaSerializer):
    """An idea in the trash: the idea as it was, and when it was trashed."""

    trashed_at = serializers.DateTimeField(read_only=True, help_text="When the idea was moved to the trash.")


class TrashListSerializer(serializers.Serializer):
    """A page of the trash, most recently trashed first."""

    ideas = TrashedIdeaSerializer(many=True)
    pagination = PaginationSerializer()


class TrashEmptiedSerializer(serializers.Serializer):
    """What emptying the trash destroyed."""

    purged = serializers.IntegerField(min_value=0, help_text="How many ideas were destroyed for good.")


# --- Revisions ----------------------------------------------------------------------------------


class RevisionSerializer(serializers.Serializer):
    """An earlier content of an idea, as a write replaced it."""

    rev = serializers.IntegerField(
        source="number",
        min_value=1,
        help_text="The revision's number (the `{rev}` of its URL): 1 for the oldest content ever kept, "
        "one more for each later change; never reused.",
    )
    idea_id = serializers.UUIDField()
    version = serializers.IntegerField(
        min_value=1, help_text="The idea's version (ETag) while it had this content."
    )
    title = serializers.CharField()
    notes = serializers.CharField()
    stage = StageField()
    tags = serializers.ListField(child=serializers.CharField())
    priority = PriorityField()
    due_date = serializers.DateTimeField(allow_null=True)
    saved_at = serializers.DateTimeField(help_text="When the idea got this content.")
    replaced_at = serializers.DateTimeField(help_text="When a later write replaced it (the revision's time).")
    changed_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=["title", "notes", "stage", "tags", "priority", "due_date"]),
        help_text="The fields the replacing write changed.",
    )


class RevisionListSerializer(serializers.Serializer):
    """A page of an idea's revisions, newest first."""

    revisions = RevisionSerializer(many=True)
    pagination = PaginationSerializer()


# --- Tags ---------------------------------------------------------------------------------------


class TagRenameSerializer(StrictInputSerializer):
    """Body of `POST /tags/rename`: `{"from": "vlog", "to": "video"}`."""

    def get_fields(self) -> dict[str, serializers.Field]:
        """`from` and `to`, each one tag."""
        return {
            "from": TagField(help_text="The tag to rename (normalised like stored tags)."),
            "to": TagField(help_text="Its new name; merged into it when some ideas carry it already."),
        }


class TagRenamedSerializer(serializers.Serializer):
    """What a rename did: `{"from", "to", "changed"}` (rendered from a dict: `from` is a keyword)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        """`from`, `to`, `changed`."""
        return {
            "from": serializers.CharField(help_text="The old name, normalised."),
            "to": serializers.CharField(help_text="The new name, normalised."),
            "changed": serializers.IntegerField(min_value=0, help_text="How many ideas changed."),
        }


class TagDeletedSerializer(serializers.Serializer):
    """What deleting a tag did."""

    tag = serializers.CharField(source="source", help_text="The removed tag, normalised.")
    changed = serializers.IntegerField(min_value=0, help_text="How many ideas lost the tag.")


# --- Bulk ---------------------------------------------------------------------------------------

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

    target_class = "ideas.serializers_safety.IdeaBulkSerializer"
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
