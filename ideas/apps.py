from django.apps import AppConfig


class IdeasConfig(AppConfig):
    """Creators' content ideas: models, rules, services, selectors, API and maintenance commands."""

    name = "ideas"
    verbose_name = "Ideas"

    def ready(self) -> None:
        """Register the start-up check of sealed notes, SQLite's case folding for search, and the
        receivers that keep remembered list totals exact."""
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from creatorvault.ratelimit import read_with_count
        from ideas import checks  # noqa: F401  (registers the system check)
        from ideas.selectors.search import register_sqlite_functions
        from ideas.totals import forget_saved_idea, generation_key

        connection_created.connect(register_sqlite_functions, dispatch_uid="ideas.sqlite_functions")
        # Saving an idea makes its owner's remembered list totals stale (ideas.totals); deletes
        # report themselves (`Idea.delete`, `IdeaQuerySet.delete`: a `post_delete` receiver would
        # make Django load every row of a bulk delete to send it).
        post_save.connect(forget_saved_idea, sender=self.get_model("Idea"), dispatch_uid="ideas.totals")
        # The caller's write generation comes with their request's rate-limit count (one trip).
        read_with_count(generation_key)
