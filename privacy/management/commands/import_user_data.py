"""`manage.py import_user_data FILE`: load a document made by export_user_data back in."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from creatorvault.errors import ApplicationError
from privacy.services import user_data_import


class Command(BaseCommand):
    """Re-create a user and their ideas from an export document (ids and times kept)."""

    help = "Import a user's export document (from export_user_data or GET /api/v1/users/me/export)."

    def add_arguments(self, parser: CommandParser) -> None:
        """FILE."""
        parser.add_argument("file", metavar="FILE", help="The export document ('-' for standard input).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and import inside a transaction, then roll it back."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, import, summarise."""
        path = options["file"]
        try:
            if path == "-":
                document = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read an export document from {path}: {exc}") from None
        try:
            with transaction.atomic():
                summary = user_data_import(document=document)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        verb = "Created" if summary.user_created else "Updated"
        if options["dry_run"]:
            verb = f"Dry run, nothing written: would have {verb.lower()}"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} user {summary.user_id} with {summary.ideas_imported} idea(s).")
        )
