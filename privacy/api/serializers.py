"""The export document as the OpenAPI document describes it (these serializers only document)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from privacy.document import EXPORT_FORMAT, EXPORT_VERSION


class ExportProfileSerializer(serializers.Serializer[Any]):
    """The profile part of an export (schema only)."""

    id = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExportIdeaSerializer(serializers.Serializer[Any]):
    """One idea of an export, notes in plain text (schema only)."""

    id = serializers.UUIDField()
    title = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)
    stage = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    priority = serializers.CharField()
    due_date = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    trashed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the idea was moved to the trash; null for a live idea."
    )


class ExportDocumentSerializer(serializers.Serializer[Any]):
    """The export document (schema only)."""

    format = serializers.CharField(help_text=f"Always `{EXPORT_FORMAT}`.")
    version = serializers.IntegerField(help_text=f"Document version, currently {EXPORT_VERSION}.")
    exported_at = serializers.DateTimeField()
    user = ExportProfileSerializer()
    ideas = ExportIdeaSerializer(many=True)
    related = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField()),
        help_text=(
            "Rows that hang off those ideas, by model (for instance `ideas.IdeaRevision`: earlier "
            "versions of an idea), every stored field with notes in plain text."
        ),
    )
