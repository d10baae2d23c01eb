"""A real gunicorn (gunicorn.conf.py, uvicorn workers) in a subprocess, for the operations tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(state_dir: Path, **extra: str) -> dict[str, str]:
    """A development environment of its own (SQLite in `state_dir`), whatever the test run uses."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PROMETHEUS_", "GUNICORN_"))
    }
    env.update({"STATE_DIR": str(state_dir), "DEBUG": "true", "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    """Create the schema the server will find (its start-up check refuses a database without it)."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


@dataclass
class Gunicorn:
    """A running gunicorn: its process, address and where its output goes."""

    process: subprocess.Popen[bytes]
    port: int
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        """Every line gunicorn and its workers wrote, stdout then stderr."""
        lines: list[str] = []
        for path in (self.stdout, self.stderr):
            lines += [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
        return lines

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own http URL
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def start_gunicorn(
    env: dict[str, str], output_dir: Path, *args: str
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Start gunicorn with gunicorn.conf.py; stdout and stderr go to files in `output_dir`."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stdout, stderr = output_dir / "stdout.log", output_dir / "stderr.log"
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", *args],
        cwd=ROOT,
        env=env,
        stdout=stdout.open("wb"),
        stderr=stderr.open("wb"),
    )
    return process, stdout, stderr


@contextmanager
def serving(env: dict[str, str], output_dir: Path, *, workers: int = 2) -> Iterator[Gunicorn]:
    """A gunicorn answering /health, stopped (SIGTERM, then SIGKILL) on leaving."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    process, stdout, stderr = start_gunicorn(env, output_dir)
    server = Gunicorn(process, port, stdout, stderr)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                log = "\n".join(server.log_lines())
                raise AssertionError(f"gunicorn exited ({process.returncode}):\n{log}")
            try:
                if server.get("/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not answer /health:\n" + "\n".join(server.log_lines()))
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
