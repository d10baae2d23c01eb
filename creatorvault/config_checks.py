"""Start-up checks that make a misconfigured production process refuse to start.

They run at the end of `config/settings.py`. A problem ends the process with a short message on
stderr and exit status 1 (a `SystemExit`, so no traceback), listing every missing setting at once.
"""

from __future__ import annotations

from typing import Any

INSECURE_MARKERS = ("django-insecure", "change-me", "changeme", "secret")
MIN_SECRET_KEY_LENGTH = 50


def production_problems(settings: dict[str, Any]) -> list[str]:
    """Return what is wrong with `settings` for production (empty when DEBUG is on)."""
    if settings.get("DEBUG"):
        return []
    problems: list[str] = []
    secret_key = settings.get("SECRET_KEY") or ""
    if (
        len(secret_key) < MIN_SECRET_KEY_LENGTH
        or len(set(secret_key)) < 5
        or any(marker in secret_key.lower() for marker in INSECURE_MARKERS)
    ):
        problems.append(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    if not settings.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS must list the host names this API is served under.")
    if not (settings.get("BETTER_AUTH_JWKS_URL") or settings.get("BETTER_AUTH_PUBLIC_KEY")):
        problems.append(
            "BETTER_AUTH_URL (or BETTER_AUTH_JWKS_URL, or BETTER_AUTH_PUBLIC_KEY) must be set: "
            "development tokens are refused when DEBUG is off."
        )
    if not (settings.get("BETTER_AUTH_ISSUER") and settings.get("BETTER_AUTH_AUDIENCE")):
        problems.append("BETTER_AUTH_ISSUER and BETTER_AUTH_AUDIENCE (or BETTER_AUTH_URL) must be set.")
    if not settings.get("ENCRYPTION_KEYS"):
        problems.append(
            "ENCRYPTION_KEYS must hold at least one `key_id:base64url-32-bytes` key for sealing notes."
        )
    return problems


def value_problems(settings: dict[str, Any]) -> list[str]:
    """Return settings whose values make no sense, in any mode."""
    problems: list[str] = []
    if settings.get("REVISIONS_KEEP", 1) < 1:
        problems.append("REVISIONS_KEEP must be at least 1.")
    if settings.get("TRASH_RETENTION_DAYS", 0) < 0:
        problems.append("TRASH_RETENTION_DAYS must be at least 0.")
    return problems


class RefusedToStart(SystemExit):
    """The settings are unusable: exit status 1 with the message; `problems` lists each one."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def ensure_production_ready(settings: dict[str, Any]) -> None:
    """Exit with a clear message when settings are invalid or production settings incomplete."""
    problems = value_problems(settings) + production_problems(settings)
    if problems:
        mode = "" if settings.get("DEBUG") else " with DEBUG=False"
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise RefusedToStart(
            f"CreatorVault refuses to start{mode}:\n{lines}\nSee .env.example for every setting.",
            problems,
        )
