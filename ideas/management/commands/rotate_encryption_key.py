"""`manage.py rotate_encryption_key`: re-seal every note not under the current (first) key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from creatorvault import sealing
from ideas.selectors.notes import rotation_pending_count
from ideas.services.notes import rotation_batch, rotation_dry_run


def _pending_everywhere() -> int:
    return rotation_pending_count() + sum(store.pending_count() for store in sealing.sealed_stores())


class Command(BaseCommand):
    """Batched, resumable re-sealing of notes (and their word index) under the current key."""

    help = (
        "Re-seal every idea's notes (and the other sealed values, such as chat conversations) not "
        "under the current key (the first of ENCRYPTION_KEYS), "
        "rebuilding its word index with it. Works in committed batches: if interrupted, run it again "
        "and it carries on. When it reports 0 remaining, older keys can be removed from ENCRYPTION_KEYS."
    )
    # The start-up check refuses unknown key ids; this command reports them per idea instead.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        """--batch-size, --max-batches, --dry-run."""
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.ENCRYPTION_BATCH_SIZE,
            help="Ideas per transaction (default ENCRYPTION_BATCH_SIZE, %(default)s).",
        )
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="Stop after this many batches (run again to continue); default: until done.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Open every value that would be re-sealed; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Rotate in batches, printing progress and a one-line summary."""
        batch_size: int = options["batch_size"]
        max_batches: int | None = options["max_batches"]
        if batch_size < 1 or (max_batches is not None and max_batches < 1):
            raise CommandError("--batch-size and --max-batches must be at least 1.")
        current = sealing.key_ring().current_id
        total = _pending_everywhere()
        self.stdout.write(f"{total} sealed value(s) to move to key {current!r}.")

        if options["dry_run"]:
            # The notes, then every other app's sealed values (e.g. the chat's), all opened.
            results = [rotation_dry_run(batch_size=batch_size)]
            results += [store.dry_run(batch_size=batch_size) for store in sealing.sealed_stores()]
            unopened = [name for result in results for name in result.failed_ids]
            self._report_failures(unopened)
            self.stdout.write(
                f"Dry run: {sum(r.resealed for r in results)} value(s) would be re-sealed under "
                f"{current!r}, {len(unopened)} do not open. Nothing was written."
            )
            return

        resealed, batches = 0, 0
        failed: list[str] = []
        # The notes first, then other apps' sealed values (e.g. the chat's), one batch at a time.
        batch_makers: list[Callable[..., Any]] = [rotation_batch]
        batch_makers += [store.rotation_batch for store in sealing.sealed_stores()]
        for next_batch in batch_makers:
            while max_batches is None or batches < max_batches:
                result = next_batch(batch_size=batch_size, skip_ids=failed)
                if result.seen == 0:
                    break
                batches += 1
                resealed += result.resealed
                failed.extend(result.failed_ids)
                self.stdout.write(f"  batch {batches}: {resealed + len(failed)}/{total} done")
        remaining = _pending_everywhere()
        self._report_failures(failed)
        summary = (
            f"Re-sealed {resealed} value(s) under key {current!r} in {batches} batch(es); "
            f"{len(failed)} failed; {remaining} remaining under other keys."
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _report_failures(self, failed_ids: list[str]) -> None:
        for idea_id in failed_ids:
            self.stderr.write(f"  {idea_id}: does not open (tampered, moved, or key missing)")
