"""A real JWKS endpoint on 127.0.0.1, served from a thread, for the JWKS tests.

The server counts the requests it answers, can be told to fail in several ways (HTTP 500, not
JSON, too slow), can rotate its keys, and can be stopped, so tests can observe exactly how often
the backend fetches and how it behaves when Better Auth is down.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from accounts.tests.tokens import SigningKey


class JWKSServer:
    """Serves `{"keys": [...]}` for the given signing keys at `/api/auth/jwks`."""

    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = list(keys)
        self.mode = "ok"  # ok | error | garbage | slow | hold
        self.slow_seconds = 2.0
        # "hold": answer (the keys of that moment) once `release` is set, or after `hold_seconds`.
        self.release = threading.Event()
        self.hold_seconds = 10.0
        self.hits = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.hits += 1
                    mode, body = server.mode, server.document()
                if self.path != "/api/auth/jwks":
                    self._send(404, b"{}")
                elif mode == "error":
                    self._send(500, b'{"error": "boom"}')
                elif mode == "garbage":
                    self._send(200, b"<html>not json</html>")
                elif mode == "slow":
                    time.sleep(server.slow_seconds)
                    self._send(200, json.dumps(body).encode())
                elif mode == "hold":
                    server.release.wait(server.hold_seconds)
                    self._send(200, json.dumps(server.document()).encode())
                else:
                    self._send(200, json.dumps(body).encode())

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._running = False

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:<port>`."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The JWKS URL, shaped like Better Auth's."""
        return f"{self.origin}/api/auth/jwks"

    def document(self) -> dict[str, Any]:
        """The JWKS document currently served."""
        return {"keys": [key.public_jwk() for key in self.keys]}

    def start(self) -> JWKSServer:
        """Start serving in a background thread."""
        self._thread.start()
        self._running = True
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (connections are then refused)."""
        self.release.set()
        if self._running:
            self._httpd.shutdown()
            self._running = False
        self._httpd.server_close()
