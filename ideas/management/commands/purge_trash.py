"""`manage.py purge_trash [--older-than 30d] [--dry-run] [--batch-size N]`."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ideas.services.trash import (
    PURGE_BATCH_SIZE,
    PurgeCounts,
    retention_cutoff,
    trash_count_older,
    trash_purge_older,
)

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([dhm]?)\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "": "days"}


def parse_age(text: str) -> timedelta:
    """`30d`, `12h`, `90m` or a bare number of days; `CommandError` for anything else."""
    match = _DURATION.match(text or "")
    if match is None:
        raise CommandError(
            f"--older-than {text!r}: give a number with d (days), h (hours) or m (minutes), e.g. 30d."
        )
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{_UNITS[unit]: amount})


class Command(BaseCommand):
    """Destroy ideas that have sat in the trash longer than the retention period."""

    help = (
        "Destroy for good every idea (of every user) trashed longer ago than --older-than "
        "(default: TRASH_RETENTION_DAYS days), with its revisions and note-index entries. Works in "
        "batches, one transaction each, oldest first, so it is safe on a live database and can be "
        "interrupted and re-run; ideas restored meanwhile are never purged. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """--older-than, --dry-run, --batch-size."""
        parser.add_argument(
            "--older-than",
            default=None,
            help="Age in the trash, e.g. 30d, 12h, 90m (a bare number means days). "
            "Default: the TRASH_RETENTION_DAYS setting.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be purged; delete nothing."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=PURGE_BATCH_SIZE,
            help=f"Ideas per transaction (default {PURGE_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Purge in batches with progress, then print one summary line."""
        batch_size = options["batch_size"]
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be between 1 and 100000.")
        raw_age = options["older_than"]
        age = parse_age(raw_age) if raw_age is not None else timedelta(days=settings.TRASH_RETENTION_DAYS)
        cutoff = retention_cutoff(older_than=age)
        due = trash_count_older(cutoff=cutoff)
        when = cutoff.isoformat(timespec="seconds")
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {due} idea(s) trashed before {when} would be purged; nothing deleted."
            )
            return
        total = PurgeCounts()
        for counts in trash_purge_older(cutoff=cutoff, batch_size=batch_size):
            total += counts
            if due > batch_size:
                self.stdout.write(f"  {total.ideas}/{due} ideas purged…")
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged {total.ideas} idea(s) trashed before {when}, with {total.revisions} revision(s) "
                f"and {total.index_entries} note-index entries."
            )
        )
