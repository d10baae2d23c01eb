"""`manage.py export_user_data USER_ID_OR_EMAIL [--output FILE]`: a creator's data as JSON."""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from creatorvault.errors import ApplicationError
from privacy.selectors import user_data_export, user_lookup


class Command(BaseCommand):
    """Write one user's export document (the same as GET /api/v1/users/me/export)."""

    help = (
        "Export all of one user's data (profile and every idea, notes in plain text) as one JSON "
        "document. The file is created readable by its owner only: it holds the plain notes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """USER_ID_OR_EMAIL, --output."""
        parser.add_argument("user", metavar="USER_ID_OR_EMAIL")
        parser.add_argument("--output", "-o", help="Write to this file (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        """Export, then print a summary (to stderr when the document goes to stdout)."""
        try:
            user = user_lookup(identifier=options["user"])
            document = user_data_export(user=user)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        summary = f"Exported user {user.pk} with {len(document['ideas'])} idea(s)"
        output = options["output"]
        if output and output != "-":
            try:
                fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}") from None
            self.stdout.write(self.style.SUCCESS(f"{summary} to {output}."))
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(f"{summary}.")
