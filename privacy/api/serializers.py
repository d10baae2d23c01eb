"""The export document as the OpenAPI document describes it (these serializers only document)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from assistant.api.serializers import AIActivitySerializer
from assistant.chat.api.serializers import ConversationSerializer, UIMessageSerializer
from privacy.document import EXPORT_FORMAT, EXPORT_VERSION, TOKENS_LABEL


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


class ExportTokenSerializer(serializers.Serializer[Any]):
    """One personal access token of an export: metadata only (schema only)."""

    id = serializers.CharField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The start of the token string, `cvp_<id>`.")
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


# Declared with `type()`: the section's key is the model label, which has a dot in it.
ExportRelatedSerializer = type(
    "ExportRelatedSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The rows related to the account, by model label (schema only). Labels other "
        "than the tokens' hold the rows of models that hang off ideas (e.g. `ideas.IdeaRevision`).",
        "__module__": __name__,
        TOKENS_LABEL: ExportTokenSerializer(
            many=True,
            help_text="Your personal access tokens: metadata only, never a secret nor its hash. An "
            "import accepts this section (or its absence) and re-creates no token.",
        ),
    },
)


class ExportRelatedSchema(OpenApiSerializerExtension):
    """`related` also holds lists of rows under other model labels: `additionalProperties` says so."""

    target_class = "privacy.api.serializers.ExportRelatedSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = {"type": "array", "items": {"type": "object"}}
        return schema


class ExportConversationSerializer(ConversationSerializer):
    """One conversation of the export, with all of its messages."""

    awaiting_approval = None  # type: ignore[assignment]
    pending_approvals = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text=(
            "Tool calls a paused turn waits on you for (`approval_id`, `tool_call_id`, `tool`, "
            "`kind`: destructive or notes); their input is in the message's tool parts. Not "
            "restored on import: an imported conversation waits for nothing."
        ),
    )
    messages = UIMessageSerializer(many=True)


class ExportDocumentSerializer(serializers.Serializer[Any]):
    """The export document (schema only)."""

    format = serializers.CharField(help_text=f"Always `{EXPORT_FORMAT}`.")
    version = serializers.IntegerField(help_text=f"Document version, currently {EXPORT_VERSION}.")
    exported_at = serializers.DateTimeField()
    user = ExportProfileSerializer()
    ideas = ExportIdeaSerializer(many=True)
    related = ExportRelatedSerializer(
        help_text=(
            "Rows that hang off those ideas, by model (for instance `ideas.IdeaRevision`: earlier "
            "versions of an idea), every stored field with notes in plain text; and under "
            f"`{TOKENS_LABEL}` your personal access tokens' metadata."
        ),
    )
    ai_activity = AIActivitySerializer(
        many=True,
        help_text=(
            "The AI activity ledger (`GET /api/v1/users/me/ai-activity`), oldest first: what AI "
            "clients did with these ideas, never content. Optional on import (older exports lack it)."
        ),
    )
    conversations = ExportConversationSerializer(
        many=True,
        help_text=(
            "The chat's conversations, oldest first, titles and messages in plain text (sealed at "
            "rest), each message as a `UIMessage`. Optional on import (older exports lack it)."
        ),
    )
