from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Identity: users (Better Auth identities and staff) and the trust in Better Auth's JWTs."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Register the OpenAPI description of the bearer scheme."""
        from accounts.api import openapi  # noqa: F401
