from django.apps import AppConfig


class AssistantConfig(AppConfig):
    """The assistant: one tool layer over a creator's ideas, served to MCP clients (and the chat).

    Every tool call is recorded in the AI activity ledger (`assistant.models.AIActivity`).
    """

    name = "assistant"
    verbose_name = "Assistant"
    default_auto_field = "django.db.models.BigAutoField"
