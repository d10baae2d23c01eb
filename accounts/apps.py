from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users (Better Auth identities and staff) and JWT authentication."""

    name = "accounts"
    verbose_name = "Accounts"
