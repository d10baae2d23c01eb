"""Serializers of the trash: trashed ideas and what emptying the trash destroyed."""

from __future__ import annotations

from rest_framework import serializers

from creatorvault.api.serializers import ListPaginationSerializer
from ideas.api.serializers.ideas import IdeaSerializer


class TrashedIdeaSerializer(IdeaSerializer):
    """An idea in the trash: the idea as it was, and when it was trashed."""

    trashed_at = serializers.DateTimeField(read_only=True, help_text="When the idea was moved to the trash.")


class TrashListSerializer(serializers.Serializer):
    """A page of the trash, most recently trashed first."""

    ideas = TrashedIdeaSerializer(many=True)
    pagination = ListPaginationSerializer()


class TrashEmptiedSerializer(serializers.Serializer):
    """What emptying the trash destroyed."""

    purged = serializers.IntegerField(min_value=0, help_text="How many ideas were destroyed for good.")
