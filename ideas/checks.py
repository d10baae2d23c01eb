"""Start-up checks for sealed notes: the keys parse, and every key id the data uses is configured.

`encryption_keys_check` is a Django system check (so `runserver`, `migrate` and `manage.py check`
refuse to go on), and `ensure_sealed_data_readable` runs it when a WSGI/ASGI worker boots, so
gunicorn refuses to start rather than failing request by request later.

The database part is one cheap indexed query per sealed model
(`ideas.selectors.notes.key_ids_in_use_but_not_configured`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from creatorvault import sealing
from ideas.selectors.notes import key_ids_in_use_but_not_configured


def encryption_problems() -> list[str]:
    """Everything that stops sealed notes from working, as sentences (no key material)."""
    try:
        ring = sealing.key_ring()
    except ImproperlyConfigured as exc:
        return [str(exc)]
    unknown = key_ids_in_use_but_not_configured(ring.key_ids)
    if unknown:
        return [
            f"Notes in the database are sealed under key id(s) {', '.join(unknown)}, which ENCRYPTION_KEYS "
            f"does not hold (configured: {', '.join(ring.key_ids)}). Add the missing key(s) back to "
            "ENCRYPTION_KEYS (after the current one); `manage.py encryption_status` shows what uses each key."
        ]
    return []


@register(Tags.security)
def encryption_keys_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """System check: ENCRYPTION_KEYS is usable and covers every key id the stored notes use."""
    return [Error(problem, id="ideas.E001") for problem in encryption_problems()]


def ensure_sealed_data_readable() -> None:
    """Refuse to start a server process (ImproperlyConfigured) when sealed notes could not be opened."""
    try:
        problems = encryption_problems()
    finally:
        connection.close()  # hand the boot-time connection back before serving requests
    if problems:
        raise ImproperlyConfigured("CreatorVault refuses to start: " + " ".join(problems))
