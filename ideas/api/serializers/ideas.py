"""Serializers of an idea: strict input (what a client may write) and output (what it reads).

Input and output are separate classes, so `id`, `user_id`, `version` and the timestamps can never
be written. Input refuses unknown fields and read-only fields by name (`StrictInputSerializer`),
and every field rule is the one in `ideas.rules`, which the services apply again.
"""

from __future__ import annotations

from rest_framework import serializers

from creatorvault.api.serializers import PaginationSerializer, StrictInputSerializer
from ideas.api.serializers.fields import (
    DueDateField,
    NotesField,
    NotesWithheldField,
    PriorityField,
    StageField,
    TagField,
    TitleField,
    VisibleNotesField,
)
from ideas.models import TAGS_MAX_COUNT, Idea, Priority, Stage
from ideas.rules import unique_tags


class IdeaWriteSerializer(StrictInputSerializer):
    """Body of create (POST) and full update (PUT); PATCH uses it with `partial=True`.

    On PUT an omitted optional field is reset to its default: PUT replaces the whole idea.
    """

    title = TitleField()
    notes = NotesField(required=False, default="")
    stage = StageField(required=False, default=Stage.IDEA.value)
    tags = serializers.ListField(
        child=TagField(),
        required=False,
        default=list,
        max_length=TAGS_MAX_COUNT,
        help_text=f"At most {TAGS_MAX_COUNT} tags; trimmed, lower-cased, de-duplicated, order kept.",
    )
    priority = PriorityField(required=False, default=Priority.MEDIUM.value)
    due_date = DueDateField(required=False, default=None)

    def validate_tags(self, value: list[str]) -> list[str]:
        """Drop duplicates (after normalisation), keeping the first occurrence's position."""
        return unique_tags(value)


class IdeaStageSerializer(StrictInputSerializer):
    """Body of `PATCH /ideas/{id}/stage`: always complete, although the method is PATCH."""

    stage = StageField()

    # PATCH bodies are partial by default (in DRF and in the OpenAPI document drf-spectacular
    # derives); this one is not: `stage` is required, so the serializer is never partial.
    @property  # type: ignore[override]
    def partial(self) -> bool:
        """Never partial."""
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


class IdeaSerializer(serializers.Serializer):
    """An idea as the API returns it (SPEC §3, plus `version`, the value of its ETag).

    For a personal access token without `notes:read`, the notes are withheld:
    `"notes": null, "notes_withheld": true` (never opened on the server either).
    """

    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    notes = VisibleNotesField()
    notes_withheld = NotesWithheldField()
    stage = StageField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    priority = PriorityField(read_only=True)
    due_date = serializers.DateTimeField(read_only=True, allow_null=True)
    user_id = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, min_value=1, help_text='Grows by one on every write; the ETag is `"<version>"`.'
    )

    class Meta:
        model = Idea


class IdeaListSerializer(serializers.Serializer):
    """A page of ideas."""

    ideas = IdeaSerializer(many=True)
    pagination = PaginationSerializer()
