from django.apps import AppConfig


class CreatorVaultConfig(AppConfig):
    """Cross-cutting pieces: API envelope, errors, middleware, logging, health."""

    name = "creatorvault"
    verbose_name = "CreatorVault"
