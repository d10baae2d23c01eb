"""`manage.py import_ideas FILE --user USER [--format json|csv] [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import user_find
from ideas.services.imports import FORMATS, ImportFileError, detect_format, ideas_import, read_rows

PROGRESS_EVERY = 500


class Command(BaseCommand):
    """Import ideas from a JSON export or a CSV file into one user's account, all or nothing."""

    help = (
        "Import ideas into one user's account from FILE: a JSON export (as written by export_user_data "
        "or GET /api/v1/users/me/export, or a list of ideas) or a CSV file with a header row (title, "
        "notes, stage, tags, priority, due_date). Every row is checked by the same rules as the API; "
        "if any row is rejected, nothing is imported and every rejected row is reported. Imported "
        "ideas get new ids (use import_user_data to restore an export as it was)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """FILE, --user, --format, --dry-run."""
        parser.add_argument("file", metavar="FILE", help="The JSON or CSV file to import.")
        parser.add_argument("--user", required=True, metavar="USER", help="The owner: a user id or e-mail.")
        parser.add_argument(
            "--format", choices=FORMATS, help="The file's format (default: from its extension)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report, but write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, validate and import in one transaction; report rejected rows; one summary line."""
        owner = user_find(identifier=options["user"])
        if owner is None:
            raise CommandError(f"No user has the id or e-mail {options['user']!r}.")
        path = Path(options["file"])
        try:
            fmt = detect_format(path, options["format"])
            rows = read_rows(path, fmt)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if not rows:
            raise CommandError(f"{path.name} holds no ideas.")

        def progress(done: int, total: int) -> None:
            if done % PROGRESS_EVERY == 0 and done < total:
                self.stdout.write(f"  checked {done}/{total} rows…")

        report = ideas_import(
            owner=owner, rows=rows, from_csv=fmt == "csv", dry_run=options["dry_run"], progress=progress
        )
        for rejected in report.rejected:
            self.stderr.write(f"Rejected {rejected.position}: {'; '.join(rejected.reasons)}")
        if report.rejected:
            raise CommandError(
                f"Imported nothing: {len(report.rejected)} of {report.rows} row(s) rejected "
                f"(listed above); fix them and run the import again."
            )
        skipped = (
            f" {report.skipped_trashed} idea(s) that were in the trash were skipped."
            if report.skipped_trashed
            else ""
        )
        if report.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dry run: all {report.rows} row(s) are valid; {report.valid} idea(s) would be imported "
                    f"for {owner.email}. Nothing was written.{skipped}"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported} idea(s) for {owner.email} ({owner.pk}) "
                f"from {path.name}.{skipped}"
            )
        )
