"""`manage.py seed_demo [--creators N] [--ideas-per-creator M] [--seed S] [--dry-run] [--force]`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ideas.services.demo import DEMO_EMAIL_DOMAIN, demo_seed


class Command(BaseCommand):
    """Fill a local database with demo creators and realistic ideas."""

    help = (
        "Create a realistic demo dataset for local work: creators (ids demo-creator-NNNN, e-mails "
        f"demoN@{DEMO_EMAIL_DOMAIN}) with ideas across every stage, priority and a year and a half "
        "of dates, created through the same services as the API. Creators that already exist are "
        "skipped, so re-running is safe. Refuses to run with DEBUG off unless --force. For a "
        "backoffice login, run createsuperuser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """--creators, --ideas-per-creator, --seed, --dry-run, --force."""
        parser.add_argument("--creators", type=int, default=8, help="Demo creators to create (default 8).")
        parser.add_argument("--ideas-per-creator", type=int, default=25, help="Ideas each (default 25).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: same seed, same data.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be created; write nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (not for production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Check the arguments, seed in one transaction, print one summary line."""
        creators, per_creator = options["creators"], options["ideas_per_creator"]
        if not 1 <= creators <= 10_000:
            raise CommandError("--creators must be between 1 and 10000.")
        if not 0 <= per_creator <= 10_000:
            raise CommandError("--ideas-per-creator must be between 0 and 10000.")
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. Pass --force to seed demo data anyway."
            )

        def progress(done: int, total: int) -> None:
            if total >= 5 and done < total:
                self.stdout.write(f"  {done}/{total} creators seeded…")

        report = demo_seed(
            creators=creators,
            ideas_per_creator=per_creator,
            seed=options["seed"],
            dry_run=options["dry_run"],
            progress=progress,
        )
        prefix = "Dry run: would create" if options["dry_run"] else "Created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} {report.creators_created} demo creator(s) with {report.ideas_created} idea(s); "
                f"{report.creators_skipped} already present, skipped."
            )
        )
