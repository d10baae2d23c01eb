"""The assistant's models: the AI activity ledger, and the chat's conversations and messages."""

from assistant.models.activity import (
    CLIENT_NAME_MAX_CHARS,
    EXPORTED_FIELDS,
    AIActivity,
    Credential,
    Outcome,
    Surface,
)
from assistant.models.conversations import Conversation, Message

__all__ = [
    "CLIENT_NAME_MAX_CHARS",
    "EXPORTED_FIELDS",
    "AIActivity",
    "Conversation",
    "Credential",
    "Message",
    "Outcome",
    "Surface",
]
