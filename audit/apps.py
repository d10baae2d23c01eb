"""The backoffice audit trail: which staff member revealed which idea's notes, and when."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

REVEAL_NOTES_CODENAME = "reveal_notes"
REVEAL_NOTES_PERMISSION = f"ideas.{REVEAL_NOTES_CODENAME}"


def ensure_reveal_notes_permission(**kwargs: Any) -> None:
    """Create the `ideas.reveal_notes` permission (after every migrate and every test flush).

    It belongs to the `ideas.Idea` content type so it reads as `ideas.reveal_notes` everywhere,
    but it is created here, not in `Idea.Meta.permissions`: that keeps the audit feature out of
    the ideas app's migrations. `flush` re-emits post_migrate, so the permission survives
    transactional tests.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    using = kwargs.get("using", "default")
    idea_type, _ = ContentType.objects.db_manager(using).get_or_create(app_label="ideas", model="idea")
    Permission.objects.db_manager(using).get_or_create(
        content_type=idea_type,
        codename=REVEAL_NOTES_CODENAME,
        defaults={"name": "Can reveal an idea's notes (each reveal is audited)"},
    )


class AuditConfig(AppConfig):
    """Audit records of the backoffice (note reveals) and the read-only audit pages."""

    name = "audit"
    verbose_name = "Audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Hook the permission creation to post_migrate (after contenttypes and auth created theirs)."""
        post_migrate.connect(ensure_reveal_notes_permission, dispatch_uid="audit.reveal_notes_permission")
