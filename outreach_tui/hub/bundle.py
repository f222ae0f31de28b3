"""`outreach hub import`: a bundle file from `outreach export`, checked before it is read.

Only a regular file (after following links) of a sane size is read: not a folder, a FIFO
or a device that would never end. Before anything is decoded, the file is scanned in
small chunks for how many JSON containers and values it could hold at most (a count of
brackets and commas, strings included, so never too low): a bomb of tens of millions of
empty lists is refused in bounded memory, like the API's 413. The content then goes
through the same parser as an API body; its signature must verify and its key be the
laptop's (``binding``), then the same ingest code runs, so importing twice is a replay
that changes nothing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from outreach_tui.domain import origin
from outreach_tui.hub.body import parse_model
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage
from outreach_tui.protocol.requests import BundleIn

MAX_BUNDLE_BYTES = 200_000_000
MAX_BUNDLE_RECORDS = 200_000  # a laptop offline for weeks; still one transaction
# Upper bounds found by the scan: a record is 2-3 containers and ~45 values (an export of
# 200,000 records has ~0.6 M brackets and ~9 M commas); a bomb has tens of millions.
MAX_CONTAINERS = 16 * MAX_BUNDLE_RECORDS
MAX_VALUES = 100 * MAX_BUNDLE_RECORDS
SCAN_CHUNK = 1 << 20


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
        _scan(path)
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


def _scan(path: str | os.PathLike[str]) -> None:
    """Refuse, before decoding, a file that could hold more containers or values than a
    bundle ever does. Reads 1 MiB at a time and counts in C (``bytes.count``). Depth needs
    no scan: both parsers stop at their nesting limit at once, and deep nesting needs
    containers, which are counted."""
    containers = values = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(SCAN_CHUNK):
            containers += chunk.count(b"[") + chunk.count(b"{")
            values += chunk.count(b",")
            if containers > MAX_CONTAINERS or values > MAX_VALUES:
                raise HubError(
                    "hub.import_too_complex", containers=MAX_CONTAINERS, values=MAX_VALUES
                )


def verify_signature(bundle: BundleIn) -> str:
    """The public key that signed ``bundle``, or a HubError: unsigned or forged bundles
    are refused whole (issue 14)."""
    from outreach_tui.hub.batches import batch_digest

    signature = bundle.signature
    if signature is None:
        raise HubError("laptop.import_unsigned", 403)
    message = origin.bundle_message(batch_digest(bundle))
    if not origin.verify(signature.public_key, message, signature.value):
        raise HubError("laptop.import_bad_signature", 403, laptop=bundle.device_id)
    return signature.public_key


def import_bundle(
    storage: Storage,
    path: str | os.PathLike[str],
    language: str = "id",
    *,
    loaded: BundleIn | None = None,
) -> dict[str, Any]:
    """Apply a bundle (``loaded``: read already); returns the receipt (``replayed: true``
    when it was applied before)."""
    bundle = loaded if loaded is not None else load_bundle(path, language)
    signer = verify_signature(bundle)
    return ingest_batch(
        storage, load_hub_info(storage), bundle, device=None, signer=signer, source="import",
        language=language,
    )  # fmt: skip
