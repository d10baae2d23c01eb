"""`manage.py encryption_status`: how many sealed values each key id holds."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ideas.selectors.notes import key_usage


class Command(BaseCommand):
    """Report sealed values per key id, and whether the configuration covers them."""

    help = "Show how many sealed notes each encryption key id holds, and what a rotation would move."
    # Must work precisely when the start-up check fails (a key id in use is not configured).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        """Print one line per key id, then a summary."""
        usage = key_usage()
        key_ids = list(dict.fromkeys([*usage.configured_key_ids, *usage.values_by_key_id]))
        for key_id in key_ids:
            if key_id == usage.current_key_id:
                role = "current (seals new values)"
            elif key_id in usage.configured_key_ids:
                role = "configured (opens only)"
            else:
                role = "NOT CONFIGURED: these notes cannot be opened"
            self.stdout.write(f"  {key_id:<32} {usage.values_by_key_id.get(key_id, 0):>10}  {role}")
        self.stdout.write(f"  {'(empty notes)':<32} {usage.empty_notes:>10}")
        self.stdout.write(f"  {'(word index entries)':<32} {usage.index_entries:>10}")
        summary = (
            f"{sum(usage.values_by_key_id.values())} sealed value(s); {usage.values_to_rotate} not under "
            f"the current key {usage.current_key_id!r}"
        )
        if usage.unknown_key_ids:
            self.stdout.write(
                self.style.ERROR(f"{summary}; unknown key id(s): {', '.join(usage.unknown_key_ids)}.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{summary}."))
