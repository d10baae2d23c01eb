"""`manage.py erase_user USER_ID_OR_EMAIL [--yes]`: erase a creator and all of their data."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creatorvault.errors import ApplicationError
from ideas.models import Idea
from privacy.selectors import user_lookup
from privacy.services import user_erase


class Command(BaseCommand):
    """Erase one user (the same as DELETE /api/v1/users/me)."""

    help = (
        "Erase one user entirely: their ideas, word-index entries, personal access tokens, admin log "
        "entries about them, and the profile. Cannot be undone; export first (export_user_data) if the "
        "data may be wanted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """USER_ID_OR_EMAIL, --yes, --dry-run."""
        parser.add_argument("user", metavar="USER_ID_OR_EMAIL")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be erased; erase nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Confirm, erase, summarise."""
        try:
            user = user_lookup(identifier=options["user"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        idea_count = Idea.objects.filter(user=user).count()  # live and trashed
        self.stdout.write(f"User {user.pk} <{user.email}> has {idea_count} idea(s).")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was erased.")
            return
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Refusing to erase without confirmation: pass --yes.")
            answer = input(f"Type the user's e-mail address ({user.email}) to erase them for good: ")
            if answer.strip().lower() != user.email.lower():
                raise CommandError("Not confirmed; nothing was erased.")
        summary = user_erase(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased user {options['user']}: {summary.ideas} idea(s), {summary.index_entries} index "
                f"entr(ies), {summary.tokens} personal access token(s), {summary.log_entries} admin log "
                f"entr(ies), {summary.ai_activity} AI activity record(s), "
                f"{summary.conversations} conversation(s), and the profile."
            )
        )
