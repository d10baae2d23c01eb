from django.apps import AppConfig


class IdeasConfig(AppConfig):
    """Creators' content ideas: models, rules, services, selectors, API and maintenance commands."""

    name = "ideas"
    verbose_name = "Ideas"

    def ready(self) -> None:
        """Register the start-up check of sealed notes and SQLite's case folding for search."""
        from django.db.backends.signals import connection_created

        from ideas import checks  # noqa: F401  (registers the system check)
        from ideas.selectors.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="ideas.sqlite_functions")
