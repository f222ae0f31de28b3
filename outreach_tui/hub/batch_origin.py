"""Where a batch comes from, checked before ingest writes anything: a bundle's records
still match their hashes, the laptop id is bound to the token's device or to the bundle's
key (``binding``), a hub's relay batch comes only under a relay token, and the unit its new
records belong to."""

from __future__ import annotations

import hashlib

from outreach_tui.hub import binding
from outreach_tui.hub.auth import Device
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.storage import Tx
from outreach_tui.protocol.requests import BatchIn

RELAY_PREFIX = "hub:"  # the device_id of a hub's relay batches (hub/relay.py)


def refuse_tampered(batch: BatchIn, canonical: list[bytes]) -> None:
    """A bundle is a file a laptop wrote: a record whose data no longer matches its hash
    means the file was edited since, so none of it is applied (a push, by contrast, may
    have one record damaged in transit: that record alone is rejected)."""
    stale = [
        record.uuid
        for record, data in zip(batch.records, canonical, strict=True)
        if hashlib.sha256(data).hexdigest() != record.content_hash
    ]
    if stale:
        raise HubError(
            "hub.import_tampered", 422, field="content_hash", batch_id=batch.batch_id,
            count=len(stale), uuid=stale[0],
        )  # fmt: skip


def check_origin(
    tx: Tx, batch: BatchIn, device: Device | None, signer: str | None, *, claim: bool
) -> None:
    """The laptop id must be bound to the token's device, or to the bundle's key;
    ``claim`` (under the write lock) binds a free id (see ``binding``)."""
    if device is not None and device.role == "relay":
        return  # a hub, not a laptop: its records name their laptops (SYNC_PROTOCOL "Relay")
    if batch.device_id.startswith(RELAY_PREFIX):
        # A hub's batch under a laptop's or a supervisor's token: refused whole (nothing
        # written, the forwarding hub's cursor stays), never record by record.
        raise HubError("batch.relay_only", 403, field="device_id")
    if device is not None:
        binding.check_push(tx, device, batch.device_id, claim=claim)
    else:
        assert signer is not None
        binding.check_import(tx, batch.device_id, signer, claim=claim)


def unit_of(tx: Tx, batch: BatchIn, device: Device | None) -> str:
    """The unit new records belong to: the token's; for a signed bundle, the unit of the
    device its laptop is bound to; '' when neither has one (a hub without units)."""
    if device is not None:
        return device.unit_code or ""
    row = tx.one(
        "SELECT d.unit_code FROM laptops l JOIN devices d ON d.id = l.device_id "
        "WHERE l.laptop_id = ?",
        (batch.device_id,),
    )
    return (row["unit_code"] if row else None) or ""
