from django.apps import AppConfig


class AssistantConfig(AppConfig):
    """The assistant: one tool layer over a creator's ideas, served to MCP clients (and the chat).

    Every tool call is recorded in the AI activity ledger (`assistant.models.AIActivity`).
    """

    name = "assistant"
    verbose_name = "Assistant"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Have key rotation cover the chat's sealed conversations and messages."""
        from assistant.chat.selectors import rotation_dry_run
        from assistant.chat.services import rotation_batch, rotation_pending_count
        from creatorvault.sealing import SealedStore, register_sealed_store

        register_sealed_store(
            SealedStore(
                name="conversations",
                pending_count=rotation_pending_count,
                rotation_batch=rotation_batch,
                dry_run=rotation_dry_run,
            )
        )
