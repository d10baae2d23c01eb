"""Serializers of tags: the caller's tags with counts, and renaming or deleting one everywhere.

`from` is a Python keyword, so the rename bodies declare their fields in `get_fields`.
"""

from __future__ import annotations

from rest_framework import serializers

from creatorvault.api.serializers import StrictInputSerializer
from ideas.api.serializers.fields import TagField


class TagCountSerializer(serializers.Serializer):
    """A tag and how many of the caller's ideas carry it."""

    tag = serializers.CharField()
    count = serializers.IntegerField(min_value=1)


class TagListSerializer(serializers.Serializer):
    """The caller's tags, most used first."""

    tags = TagCountSerializer(many=True)


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
