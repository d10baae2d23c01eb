"""Every ModelAdmin of the backoffice, registered on the default site when the admin autodiscovers."""

from backoffice.admin import audit, ideas, users

__all__ = ["audit", "ideas", "users"]
