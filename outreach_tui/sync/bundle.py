"""`outreach export`: pending records as one bundle file for `outreach hub import`.

Files are written through ``outreach_tui.files`` (a temp file in the same folder, fsync,
rename, fsync of the folder; readable by the owner only, as bundles hold NIKs and phone
numbers; never onto a device, a symlink, a database or an existing file without force).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from outreach_tui import files
from outreach_tui.domain import origin


def write_bundle(
    path: Path,
    bundle: dict[str, Any],
    *,
    force: bool = False,
    protect: Iterable[str | Path] = (),
) -> files.Written:
    """Write ``bundle`` (SyncQueue.export_bundle()) as UTF-8 JSON at a new ``path`` (an
    existing regular file only with ``force``; never a ``protect``ed database)."""
    content = json.dumps(bundle, ensure_ascii=False, indent=1).encode() + b"\n"
    return files.write_bytes(path, content, force=force, protect=protect)


def signed(bundle: dict[str, Any], private_key: bytes) -> dict[str, Any]:
    """``bundle`` signed with ``private_key`` (``SyncQueue.export_bundle`` signs already)."""
    return origin.signed_bundle(bundle, private_key)
