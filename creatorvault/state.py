"""The git-ignored local state folder (`STATE_DIR`): development keys and the SQLite database."""

from __future__ import annotations

import os
from pathlib import Path


def create_private_file_once(path: Path, content: bytes) -> None:
    """Write `content` to `path` (mode 0600) unless the file exists, atomically.

    The content goes to a temporary file first and is then hard-linked into place: `link()` fails
    when another process created the file meanwhile, so concurrent first runs agree on one file
    (one key) instead of overwriting each other.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
