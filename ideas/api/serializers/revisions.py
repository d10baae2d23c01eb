"""Serializers of an idea's revisions (its earlier contents)."""

from __future__ import annotations

from rest_framework import serializers

from creatorvault.api.serializers import ListPaginationSerializer
from ideas.api.serializers.fields import NotesWithheldField, PriorityField, StageField, VisibleNotesField
from ideas.models import CONTENT_FIELDS


class RevisionSerializer(serializers.Serializer):
    """An earlier content of an idea, as a write replaced it (notes withheld like `IdeaSerializer`'s)."""

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
    notes = VisibleNotesField()
    notes_withheld = NotesWithheldField()
    stage = StageField()
    tags = serializers.ListField(child=serializers.CharField())
    priority = PriorityField()
    due_date = serializers.DateTimeField(allow_null=True)
    saved_at = serializers.DateTimeField(help_text="When the idea got this content.")
    replaced_at = serializers.DateTimeField(help_text="When a later write replaced it (the revision's time).")
    changed_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CONTENT_FIELDS)),
        help_text="The fields the replacing write changed.",
    )


class RevisionListSerializer(serializers.Serializer):
    """A page of an idea's revisions, newest first."""

    revisions = RevisionSerializer(many=True)
    pagination = ListPaginationSerializer()
