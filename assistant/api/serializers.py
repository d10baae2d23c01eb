"""Serializers of the AI activity ledger."""

from __future__ import annotations

from rest_framework import serializers

from assistant.models import AIActivity
from creatorvault.api.serializers import CursorPaginationSerializer


class AIActivitySerializer(serializers.ModelSerializer):
    """One tool call an AI client made: what, on which ideas, which fields, who, how it ended."""

    idea_ids = serializers.ListField(child=serializers.UUIDField(), help_text="The ideas the call touched.")
    fields_returned = serializers.ListField(
        child=serializers.CharField(),
        help_text="Which fields of those ideas the client was given (never values).",
    )
    fields_changed = serializers.ListField(
        child=serializers.CharField(), help_text="Which fields the call changed."
    )

    class Meta:
        model = AIActivity
        fields = (
            "at",
            "surface",
            "tool",
            "idea_ids",
            "fields_returned",
            "fields_changed",
            "client_name",
            "credential",
            "token_ref",
            "outcome",
            "error_code",
            "request_id",
        )
        extra_kwargs = {
            "at": {"help_text": "When the call was made."},
            "surface": {"help_text": "`mcp` (an MCP client) or `chat` (CreatorVault's own chat)."},
            "tool": {"help_text": "The tool (or prompt) called."},
            "client_name": {"help_text": "The client's name as it reported it (e.g. `claude-ai`, `Cursor`)."},
            "credential": {"help_text": "`session` (a Better Auth session) or `personal_token`."},
            "token_ref": {"help_text": "The personal token's public prefix; empty for a session."},
            "outcome": {"help_text": "`ok`, or `error` (see `error_code`)."},
            "error_code": {"help_text": "The tool error (`invalid_arguments`, `not_found`, ...), if any."},
            "request_id": {"help_text": "The request id, to match the call with your own logs."},
        }


class AIActivityPageSerializer(serializers.Serializer):
    """A page of the ledger, newest first."""

    activity = AIActivitySerializer(many=True)
    pagination = CursorPaginationSerializer()
