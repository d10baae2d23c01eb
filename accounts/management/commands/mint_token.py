"""`manage.py mint_token EMAIL [--name N] [--ttl 15m]`: a development token, Better Auth-shaped."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from argparse import ArgumentParser
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from accounts.devkeys import dev_auth_enabled, dev_key_path, dev_private_key, public_jwk
from accounts.models import User

TTL_PATTERN = re.compile(r"^(\d+)\s*([smhd]?)$")
TTL_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(text: str) -> int:
    """`900`, `900s`, `15m`, `1h` -> seconds."""
    match = TTL_PATTERN.match(text.strip().lower())
    if not match:
        raise CommandError(f"--ttl must look like 900, 900s, 15m or 1h (got {text!r}).")
    seconds = int(match.group(1)) * TTL_UNITS[match.group(2)]
    if seconds <= 0:
        raise CommandError("--ttl must be positive.")
    if seconds > settings.JWT_MAX_LIFETIME_SECONDS:
        raise CommandError(
            f"--ttl is longer than JWT_MAX_LIFETIME_SECONDS ({settings.JWT_MAX_LIFETIME_SECONDS}s); "
            "the API would refuse such a token."
        )
    return seconds


def dev_user_id(email: str) -> str:
    """The id of `email`'s account: the existing one, else a stable id derived from the email."""
    try:
        existing = User.objects.filter(email=email).values_list("id", flat=True).first()
    except DatabaseError:  # not migrated yet: the first API call will create the row
        existing = None
    if existing:
        return existing
    digest = hashlib.sha256(f"creatorvault-dev:{email}".encode()).digest()
    return base64.b32encode(digest).decode().rstrip("=")[:32]


class Command(BaseCommand):
    """Print a token signed with the development key (only when development tokens are on)."""

    help = (
        "Print a development JWT for EMAIL, signed with the local development key and shaped like "
        "Better Auth's (EdDSA, {alg, kid} header). Works only with DEBUG on and no Better Auth "
        'configured. Use it as: curl -H "Authorization: Bearer $(manage.py mint_token you@example.com)" ...'
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """EMAIL, --name, --ttl, --sub."""
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--name", default=None, help="Display name (default: the part before @).")
        parser.add_argument("--ttl", default="15m", help="Lifetime: 900, 900s, 15m, 1h (default 15m).")
        parser.add_argument("--sub", default=None, help="User id to put in sub (default: derived).")

    def handle(self, *args: Any, **options: Any) -> None:
        """Sign and print the token on stdout (hints go to stderr, so $(...) captures the token)."""
        if not dev_auth_enabled():
            raise CommandError(
                "Development tokens are disabled. They need DEBUG=True and none of BETTER_AUTH_URL, "
                "BETTER_AUTH_JWKS_URL, BETTER_AUTH_PUBLIC_KEY set; otherwise sign in through Better Auth."
            )
        email = str(options["email"]).strip().lower()
        if "@" not in email or len(email) > 254:
            raise CommandError(f"{options['email']!r} is not an email address.")
        ttl = parse_ttl(str(options["ttl"]))
        name = options["name"] if options["name"] is not None else email.split("@", 1)[0]
        try:
            private_key = dev_private_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        kid = public_jwk(private_key.public_key())["kid"]
        user_id = options["sub"] or dev_user_id(email)
        now = int(time.time())
        stamp = timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        claims = {
            "iat": now,
            "exp": now + ttl,
            "iss": settings.BETTER_AUTH_ISSUER,
            "aud": settings.BETTER_AUTH_AUDIENCE,
            "sub": user_id,
            "id": user_id,
            "email": email,
            "name": name,
            "emailVerified": False,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        token = jwt.encode(claims, private_key, algorithm="EdDSA", headers={"kid": kid, "typ": None})
        self.stdout.write(token)
        self.stderr.write(
            f"Token for {email} (sub {user_id}), valid {ttl}s, signed by {dev_key_path()} (kid {kid})."
        )
