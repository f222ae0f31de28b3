"""`outreach export`: pending records as one bundle file for `outreach hub import`.

Files are written atomically — a temp file in the same folder, fsync, rename, fsync of the
folder — and readable by the owner only (bundles hold NIKs and phone numbers).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from outreach_tui.domain import origin


def write_atomic(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content``: readers see the old file or the new one, never
    a half-written one, even after a power cut."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 already, before any byte is written.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_bundle(path: Path, bundle: dict[str, Any]) -> int:
    """Write ``bundle`` (SyncQueue.export_bundle()) as UTF-8 JSON; returns its size."""
    content = json.dumps(bundle, ensure_ascii=False, indent=1).encode() + b"\n"
    write_atomic(path, content)
    return len(content)


def signed(bundle: dict[str, Any], private_key: bytes) -> dict[str, Any]:
    """``bundle`` signed with ``private_key`` (``SyncQueue.export_bundle`` signs already)."""
    return origin.signed_bundle(bundle, private_key)
