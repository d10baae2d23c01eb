"""`manage.py normalize_tags [--dry-run] [--batch-size N] [--repair]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ideas.models import Idea
from ideas.services.tags import NormalizeReport, tags_normalize_batch

MAX_LISTED_IDS = 20


class Command(BaseCommand):
    """Re-apply the tag rules (trim, lower-case, de-duplicate, order kept) to every stored idea."""

    help = (
        "Re-apply the tag rules to every idea: trimmed, lower-cased, de-duplicated, first-seen order "
        "kept. Works in batches, one transaction each, so it is safe on a live database and can be "
        "interrupted and re-run. Ideas whose tags break a rule that normalising cannot fix (more than "
        "20 tags, a tag over 50 characters, a non-string) are listed and left unchanged, unless "
        "--repair drops the offending tags. A changed idea gets a new version (ETag)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """--dry-run, --batch-size, --repair."""
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Ideas per transaction (default 1000)."
        )
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Also fix invalid tag lists by dropping the tags that break a rule (loses those tags).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Walk every idea in batches, then print one summary line."""
        batch_size = options["batch_size"]
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be between 1 and 100000.")
        dry_run, repair = options["dry_run"], options["repair"]
        total = Idea.objects.count()
        report = NormalizeReport()
        after = None
        while True:
            after = tags_normalize_batch(
                after=after, batch_size=batch_size, dry_run=dry_run, repair=repair, report=report
            )
            if after is None:
                break
            if total > batch_size:
                self.stdout.write(f"  {report.seen}/{total} ideas checked, {report.changed} to fix so far…")
        if report.invalid_ids:
            listed = ", ".join(report.invalid_ids[:MAX_LISTED_IDS])
            more = len(report.invalid_ids) - MAX_LISTED_IDS
            self.stderr.write(
                f"{len(report.invalid_ids)} idea(s) have tags no normalising can make valid (left unchanged; "
                f"--repair drops the offending tags): {listed}{f' and {more} more' if more > 0 else ''}"
            )
        verb = "would change" if dry_run else "changed"
        repaired = f", {report.repaired} repaired" if repair else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Dry run: ' if dry_run else ''}{report.seen} idea(s) checked, {report.changed} {verb}"
                f"{repaired}, {len(report.invalid_ids)} invalid."
            )
        )
