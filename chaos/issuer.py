"""A Better Auth stand-in for the chaos suite: an Ed25519 key, its JWKS on loopback, and tokens.

`Issuer` serves `{"keys": [<Ed25519 public JWK, alg EdDSA>]}` at `/api/auth/jwks`, like Better
Auth's JWT plugin, counts every fetch it receives, and can be taken away two ways: `stop()` closes
the socket (connections refused), `hang()` keeps accepting requests and never answers them until
`resume()`. `token()` mints the EdDSA tokens Better Auth would, signed by the published key (or,
with `kid=`, tokens naming a key the issuer never published).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import OKPAlgorithm

JWKS_PATH = "/api/auth/jwks"


class Issuer:
    """Better Auth's JWKS endpoint on 127.0.0.1:`port`, and a signer for its tokens."""

    def __init__(self, port: int, issuer: str) -> None:
        self.port = port
        self.issuer = issuer
        self.key = ed25519.Ed25519PrivateKey.generate()
        self.kid = "chaos-" + secrets.token_hex(6)
        self._other_key = ed25519.Ed25519PrivateKey.generate()  # signs tokens of unpublished kids
        self._lock = threading.Lock()
        self._fetches = 0
        self._answering = threading.Event()  # cleared while hanging
        self._answering.set()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The JWKS URL, shaped like Better Auth's."""
        return f"http://127.0.0.1:{self.port}{JWKS_PATH}"

    @property
    def listening(self) -> bool:
        return self._server is not None

    @property
    def fetches(self) -> int:
        """JWKS requests received so far (answered or not)."""
        with self._lock:
            return self._fetches

    def document(self) -> dict[str, Any]:
        jwk = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def start(self) -> None:
        """Listen (again) on the port and answer at once."""
        issuer = self
        body = json.dumps(self.document()).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != JWKS_PATH:
                    self.send_error(404)
                    return
                with issuer._lock:
                    issuer._fetches += 1
                issuer._answering.wait()  # hanging: hold the request until resume() or stop()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up while we hung
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self._answering.set()
        self._server = server

    def stop(self) -> None:
        """Close the socket: fetches are refused (connection refused) until `start()`."""
        self._answering.set()  # let held requests end
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def hang(self) -> None:
        """Keep accepting fetches but answer none of them, until `resume()`."""
        self._answering.clear()

    def resume(self) -> None:
        """Answer again (held fetches are answered too)."""
        self._answering.set()

    def token(self, *, sub: str, kid: str | None = None, iat: int | None = None) -> str:
        """A Better Auth-shaped access token for `sub`; with `kid`, one naming that (unknown) key."""
        now = int(time.time())
        issued = now if iat is None else iat
        claims = {
            "iat": issued,
            "exp": issued + 900,
            "iss": self.issuer,
            "aud": self.issuer,
            "sub": sub,
            "email": f"{sub.lower()}@example.com",
            "name": "Chaos",
        }
        if kid is None:
            return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})
        return jwt.encode(claims, self._other_key, algorithm="EdDSA", headers={"kid": kid})
