from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Identity: users (Better Auth identities and staff) and the trust in Better Auth's JWTs."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Register the OpenAPI description of the bearer scheme and the caller cache's invalidation."""
        from django.db.models.signals import post_delete, post_save

        from accounts.api import openapi  # noqa: F401
        from accounts.caller_cache import forget_saved_user

        user_model = self.get_model("User")
        post_save.connect(forget_saved_user, sender=user_model, dispatch_uid="caller_cache_save")
        post_delete.connect(forget_saved_user, sender=user_model, dispatch_uid="caller_cache_delete")
