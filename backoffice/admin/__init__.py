"""Every ModelAdmin of the backoffice, registered on the default site when the admin autodiscovers."""

from backoffice.admin import audit, ideas, tokens, users

__all__ = ["audit", "ideas", "tokens", "users"]
