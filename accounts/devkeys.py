"""Development tokens: a local Ed25519 key pair that stands in for Better Auth.

Used only when `settings.DEV_AUTH` is on, which settings allow only with `DEBUG` on and no Better
Auth configured. The private key lives in the git-ignored state folder
(`STATE_DIR/dev-auth/ed25519-private.pem`, mode 0600), is created on first use, and is read by
the authentication class (to trust its public half) and by `manage.py mint_token` (to sign).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.keys import TrustedKey
from creatorvault.state import create_private_file_once

_lock = threading.Lock()
_loaded: dict[Path, ed25519.Ed25519PrivateKey] = {}


def dev_auth_enabled() -> bool:
    """True when development tokens are trusted (DEV_AUTH on, and never with DEBUG off)."""
    return bool(getattr(settings, "DEV_AUTH", False)) and bool(settings.DEBUG)


def dev_key_path() -> Path:
    """Where the development private key is kept."""
    return Path(settings.STATE_DIR) / "dev-auth" / "ed25519-private.pem"


def _require_dev_auth() -> None:
    if not dev_auth_enabled():
        raise ImproperlyConfigured(
            "Development tokens are disabled: they need DEBUG=True and no BETTER_AUTH_URL, "
            "BETTER_AUTH_JWKS_URL or BETTER_AUTH_PUBLIC_KEY."
        )


def _create(path: Path) -> None:
    """Write a new private key at `path`, unless another process just did."""
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    create_private_file_once(path, pem)


def dev_private_key() -> ed25519.Ed25519PrivateKey:
    """The development signing key, created on first use."""
    _require_dev_auth()
    path = dev_key_path()
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if not path.exists():
            _create(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{path} does not hold an Ed25519 private key; delete it.")
        _loaded[path] = key
        return key


def public_jwk(public_key: ed25519.Ed25519PublicKey) -> dict[str, str]:
    """The public key as a JWK, with its RFC 7638 thumbprint as `kid`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=")
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid.decode(), "alg": "EdDSA"}


def dev_trusted_key() -> TrustedKey:
    """The development public key, as the authentication class trusts it."""
    public_key = dev_private_key().public_key()
    return TrustedKey(
        kid=public_jwk(public_key)["kid"],
        algorithms=frozenset({"EdDSA"}),
        public_key=public_key,
        description="OKP Ed25519 (development key)",
    )
