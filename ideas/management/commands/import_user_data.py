"""`manage.py import_user_data FILE`: load a document made by export_user_data back in."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creatorvault.errors import ApplicationError
from ideas.privacy import user_data_import


class Command(BaseCommand):
    """Re-create a user and their ideas from an export document (ids and times kept)."""

    help = "Import a user's export document (from export_user_data or GET /api/v1/users/me/export)."

    def add_arguments(self, parser: CommandParser) -> None:
        """FILE."""
        parser.add_argument("file", metavar="FILE", help="The export document ('-' for standard input).")

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, import, summarise."""
        path = options["file"]
        try:
            if path == "-":
                import sys

                document = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read an export document from {path}: {exc}") from None
        try:
            summary = user_data_import(document=document)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        verb = "Created" if summary.user_created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} user {summary.user_id} with {summary.ideas_imported} idea(s).")
        )
