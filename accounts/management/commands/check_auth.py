"""`manage.py check_auth`: what token verification will trust, or what is wrong with it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from accounts import jwks
from accounts.devkeys import dev_auth_enabled, dev_key_path, dev_trusted_key
from accounts.keys import SUPPORTED_ALGORITHMS, TrustedKey, UnusableKey, allowed_algorithms, key_from_pem


class Command(BaseCommand):
    """Report the key source, keys, algorithms, issuer and audience the API trusts."""

    help = (
        "Fetch the configured JWKS (or read the pinned PEM key / development key) and report the "
        "keys, algorithms, issuer and audience that tokens are verified against. Exits with an "
        "error when tokens could not be verified."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        """Print the report; raise CommandError listing every problem found."""
        problems: list[str] = []
        allowed = allowed_algorithms(settings.JWT_ALGORITHMS)
        unsupported = sorted(set(settings.JWT_ALGORITHMS) - SUPPORTED_ALGORITHMS)
        if unsupported:
            problems.append(
                f"JWT_ALGORITHMS lists unsupported algorithms {', '.join(unsupported)} "
                f"(supported: {', '.join(sorted(SUPPORTED_ALGORITHMS))}); they are ignored."
            )
        if not allowed:
            problems.append("JWT_ALGORITHMS allows no supported algorithm: every token is refused.")
        self.stdout.write(f"Issuer (iss):      {settings.BETTER_AUTH_ISSUER or '(not set)'}")
        self.stdout.write(f"Audience (aud):    {settings.BETTER_AUTH_AUDIENCE or '(not set)'}")
        self.stdout.write(f"Algorithms:        {', '.join(sorted(allowed)) or '(none)'}")
        self.stdout.write(
            f"Leeway:            {settings.JWT_LEEWAY_SECONDS}s; max lifetime "
            f"{settings.JWT_MAX_LIFETIME_SECONDS}s; max size {settings.JWT_MAX_TOKEN_BYTES} bytes"
        )
        if not settings.BETTER_AUTH_ISSUER or not settings.BETTER_AUTH_AUDIENCE:
            problems.append("BETTER_AUTH_ISSUER / BETTER_AUTH_AUDIENCE are not set (or BETTER_AUTH_URL).")
        keys = self._keys(problems)
        for key in keys:
            usable = sorted(key.algorithms & allowed)
            note = ", ".join(usable) if usable else "no allowed algorithm: tokens it signs are refused"
            self.stdout.write(f"  key {key.kid or '(pinned, no kid)'}: {key.description} -> {note}")
        if keys and not any(key.algorithms & allowed for key in keys):
            problems.append("No trusted key can verify any allowed algorithm.")
        if problems:
            raise CommandError("Token verification is not ready:\n  - " + "\n  - ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"OK: {len(keys)} key(s) trusted."))

    def _keys(self, problems: list[str]) -> list[TrustedKey]:
        if dev_auth_enabled():
            self.stdout.write(f"Key source:        development key pair ({dev_key_path()})")
            try:
                return [dev_trusted_key()]
            except ImproperlyConfigured as error:
                problems.append(str(error))
                return []
        if settings.BETTER_AUTH_PUBLIC_KEY:
            self.stdout.write("Key source:        pinned PEM public key (BETTER_AUTH_PUBLIC_KEY)")
            try:
                return [key_from_pem(settings.BETTER_AUTH_PUBLIC_KEY)]
            except UnusableKey as error:
                problems.append(str(error))
                return []
        if settings.BETTER_AUTH_JWKS_URL:
            url = settings.BETTER_AUTH_JWKS_URL
            self.stdout.write(f"Key source:        JWKS {url}")
            try:
                # Also refreshes the shared cache, so running this after a key rotation helps.
                keyset = jwks.refresh(url)
            except jwks.JWKSFetchError as error:
                problems.append(f"JWKS fetch failed: {error}")
                return []
            for reason in keyset.skipped:
                self.stdout.write(self.style.WARNING(f"  skipped: {reason}"))
            return list(keyset.keys.values())
        problems.append(
            "No key source: set BETTER_AUTH_URL (JWKS at /api/auth/jwks), BETTER_AUTH_JWKS_URL or "
            "BETTER_AUTH_PUBLIC_KEY."
        )
        return []
