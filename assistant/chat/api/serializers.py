"""Serializers of conversations and their messages (the `UIMessage` shape `useChat` restores)."""

from __future__ import annotations

from rest_framework import serializers

from assistant.models.conversations import TITLE_MAX_CHARS, MessageStatus, NotesAccess, Role
from creatorvault.api.serializers import CursorPaginationSerializer, StrictInputSerializer


class ConversationSerializer(serializers.Serializer):
    """One conversation."""

    id = serializers.CharField(help_text="The chat id (the one `useChat` sends as `id`).")
    title = serializers.CharField(help_text="Its title: the start of the first message until renamed.")
    notes_access = serializers.ChoiceField(
        choices=NotesAccess.choices,
        help_text="Whether ideas' notes may reach the model: `none` (default), `ask` (each time), `allow`.",
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    message_count = serializers.IntegerField()
    tokens_in = serializers.IntegerField(help_text="Tokens sent to the model over the conversation.")
    tokens_out = serializers.IntegerField(help_text="Tokens the model answered with.")
    awaiting_approval = serializers.BooleanField(
        help_text="A turn waits for your answer (approve a tool call or allow notes)."
    )


class ConversationPageSerializer(serializers.Serializer):
    """A page of conversations, newest first."""

    conversations = ConversationSerializer(many=True)
    pagination = CursorPaginationSerializer()


class ConversationUpdateSerializer(StrictInputSerializer):
    """What a creator may change: the title and the notes-access setting."""

    title = serializers.CharField(required=False, max_length=TITLE_MAX_CHARS, allow_blank=False)
    notes_access = serializers.ChoiceField(choices=NotesAccess.choices, required=False)


class MessageMetadataSerializer(serializers.Serializer):
    """What the server knows of a message, in `UIMessage.metadata`."""

    status = serializers.ChoiceField(choices=MessageStatus.choices)
    created_at = serializers.DateTimeField()
    model = serializers.CharField(help_text="The model that wrote it (empty for the creator's).")
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()


class UIMessageSerializer(serializers.Serializer):
    """A message in the AI SDK's `UIMessage` shape."""

    id = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    parts = serializers.ListField(
        child=serializers.DictField(),
        help_text="The AI SDK's UI parts: `text`, `tool-<name>` (input, output, state, approval).",
    )
    metadata = MessageMetadataSerializer()


class MessagePageSerializer(serializers.Serializer):
    """A page of a conversation's messages, oldest first."""

    messages = UIMessageSerializer(many=True)
    pagination = CursorPaginationSerializer()
