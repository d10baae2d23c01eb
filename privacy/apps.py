from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A creator's data lifecycle: all of it out (export), back in (import), or gone (erasure). No models."""

    name = "privacy"
    verbose_name = "Privacy"
