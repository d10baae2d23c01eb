from django.apps import AppConfig


class IdeasConfig(AppConfig):
    """Creators' content ideas: model, API, admin and maintenance commands."""

    name = "ideas"
    verbose_name = "Ideas"

    def ready(self) -> None:
        """Register the OpenAPI extension for strict request bodies."""
        from ideas import (
            checks,  # noqa: F401  (start-up check of sealed notes)
            schema,  # noqa: F401
        )
