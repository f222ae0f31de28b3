"""What identifies a batch and how its records' days are read: the batch digest (the same
body sent twice is the same batch; a bundle's signature covers it) and the time zone of
each record's event (SYNC_PROTOCOL.md, "Which day")."""

from __future__ import annotations

import hashlib
from typing import Any

from outreach_tui.domain import wire
from outreach_tui.domain.localtime import DEFAULT_ZONE
from outreach_tui.protocol.requests import BatchIn, RecordIn, as_json


def batch_digest(batch: BatchIn, canonical: list[bytes] | None = None) -> str:
    """sha256 of the canonical body; bundles hash like the batch they carry.

    The bytes are those of ``canonical_json(as_json(batch, exclude=("kind", "protocol",
    "signature")))`` (``domain.origin.batch_digest`` of the body: a bundle's signature is
    over this digest)
    (every field, defaults too; stored digests must keep matching), assembled from each
    record's canonical ``data`` (``canonical``, computed once per record for its hash)
    instead of dumping and re-encoding the whole body.
    """
    if canonical is None:
        canonical = [wire.canonical_json(r.data) for r in batch.records]
    head = _without_default_zones(
        as_json(batch, exclude=("kind", "protocol", "signature", "records"))
    )
    # Keys sort, so "records" has one place; a string value cannot hold it unescaped.
    before, after = wire.canonical_json({**head, "records": []}).split(b'"records":[]', 1)
    digest = hashlib.sha256(before + b'"records":[')
    for n, (record, data) in enumerate(zip(batch.records, canonical, strict=True)):
        base = "null" if record.base_version is None else str(record.base_version)
        # A relay's unit_code, only when sent: a laptop's record hashes as before.
        unit = b"" if record.unit_code is None else b'"unit_code":"%s",' % record.unit_code.encode()
        digest.update(
            b'%s{"base_version":%s,"content_hash":"%s","data":%s,"entity":"%s",'
            b'%s"uuid":"%s","version":%d}'
            % (
                b"," if n else b"",
                base.encode(),
                record.content_hash.encode(),
                data,
                record.entity.encode(),
                unit,
                record.uuid.encode(),
                record.version,
            )
        )
    digest.update(b"]" + after)
    return digest.hexdigest()


def _without_default_zones(head: dict[str, Any]) -> dict[str, Any]:
    """``time_zone`` came after batches were first stored: left out when not sent, so a
    batch re-sent by a laptop from before it hashes as it did; so are a relay's
    ``officers`` and ``withdrawals`` when empty (every laptop batch)."""
    for name in ("officers", "withdrawals"):
        if not head.get(name):
            head.pop(name, None)
    for context in [*(head.get("events") or []), head.get("officer") or {}]:
        if context.get("time_zone", "") is None:
            del context["time_zone"]
    return head


def zone_of(record: RecordIn, zones: dict[str, str], default: str) -> str:
    """The zone of the record's event; the data is not typed yet (evaluate checks it), so an
    event code that is not text takes the branch's zone."""
    event = record.data.get("event_code")
    return zones.get(event, default) if isinstance(event, str) else default


def record_zones(batch: BatchIn) -> tuple[dict[str, str], str]:
    """The zone of each event in the batch, and the branch's (records without an event):
    a record's ``day`` is its ``created_at`` date there (SYNC_PROTOCOL.md, "Which day")."""
    default = (batch.officer.time_zone if batch.officer else None) or DEFAULT_ZONE
    return {e.code: e.time_zone or DEFAULT_ZONE for e in batch.events}, default
