from django.apps import AppConfig


class IdeasConfig(AppConfig):
    """Creators' content ideas: model, API, admin and maintenance commands."""

    name = "ideas"
    verbose_name = "Ideas"

    def ready(self) -> None:
        """Register the OpenAPI extension for strict request bodies and SQLite's search function."""
        from django.db.backends.signals import connection_created

        from ideas import (
            checks,  # noqa: F401  (start-up check of sealed notes)
            schema,  # noqa: F401
        )
        from ideas.selectors import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="ideas.sqlite_functions")
