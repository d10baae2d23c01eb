from django.apps import AppConfig


class IdeasConfig(AppConfig):
    """Creators' content ideas: model, API, admin and maintenance commands."""

    name = "ideas"
    verbose_name = "Ideas"
