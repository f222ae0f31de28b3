"""`outreach hub import`: a bundle file from `outreach export`, checked before it is read.

Only a regular file (after following links) of a sane size is read: not a folder, a FIFO
or a device that would never end. The content goes through the same parser as an API
body, then the same ingest code, so importing twice is a replay that changes nothing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from outreach_tui.hub.body import parse_model
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.models import BundleIn
from outreach_tui.hub.storage import Storage

MAX_BUNDLE_BYTES = 200_000_000
MAX_BUNDLE_RECORDS = 200_000  # a laptop offline for weeks; still one transaction


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``, ``\\n``…): a file name may
    carry terminal escape sequences that would retitle or clear the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def load_bundle(path: str | os.PathLike[str], language: str = "id") -> BundleIn:
    shown = printable(str(path)[:200])
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise HubError("hub.import_missing", path=shown) from None
    except OSError as exc:
        raise HubError("hub.import_not_file", path=f"{shown} ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise HubError("hub.import_not_file", path=shown)
    if info.st_size > MAX_BUNDLE_BYTES:
        raise HubError("hub.import_too_big", size=info.st_size, max=MAX_BUNDLE_BYTES)
    if info.st_size == 0:
        raise HubError("hub.import_empty", path=shown)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BUNDLE_BYTES + 1)
    except OSError as exc:
        raise HubError("hub.import_not_file", path=f"{shown} ({exc.strerror})") from None
    try:
        return parse_model(
            BundleIn, raw, max_records=MAX_BUNDLE_RECORDS, max_bytes=MAX_BUNDLE_BYTES
        )
    except HubError as exc:
        where = f" [{exc.field}]" if exc.field else ""
        raise HubError(
            "hub.import_invalid",
            path=printable(Path(path).name)[:200],
            reason=exc.message(language) + where,
        ) from None


def import_bundle(
    storage: Storage, path: str | os.PathLike[str], language: str = "id"
) -> dict[str, Any]:
    """Apply a bundle; returns the receipt (``replayed: true`` when it was applied before)."""
    bundle = load_bundle(path, language)
    return ingest_batch(
        storage, load_hub_info(storage), bundle, device=None, source="import", language=language
    )
