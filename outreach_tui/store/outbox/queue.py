"""``SyncQueue``: the outbox's one entry point, for sync/runner.py and the CLI.

Each method is one transaction (or one read) over the officer's file; the work lives in
the modules named for it: ``batches`` (written before sending, re-sent after a crash),
``records`` (what travels, the hot path), ``receipts``, ``reconcile`` and ``downlink``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import tzinfo
from typing import Any

from outreach_tui.domain import origin, wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.store.crypto import open_row
from outreach_tui.store.database import Database
from outreach_tui.store.device_key import signing_key
from outreach_tui.store.outbox import batches, downlink, receipts, reconcile, records
from outreach_tui.store.outbox.batches import OutgoingBatch
from outreach_tui.store.outbox.receipts import ReceiptSummary
from outreach_tui.store.outbox.states import ACKNOWLEDGED, TABLES, WAITING


class SyncQueue:
    """Sync bookkeeping for one device's file; construct with ``(store.database, device_id)``."""

    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._device_id = device_id

    @property
    def device_id(self) -> str:
        return self._device_id

    # -- outgoing -------------------------------------------------------------------------

    def open_batches(self) -> list[OutgoingBatch]:
        """Batches written but never acknowledged, oldest first: re-send these first."""
        return batches.open_batches(self._database)

    def next_batch(
        self, limit: int, *, hub_id: str, exclude: Collection[str] = ()
    ) -> OutgoingBatch | None:
        """Write the next batch (status open) and mark its records uploading, atomically.

        ``exclude``: uuids of a batch still in flight. A record edited meanwhile waits for
        that receipt, which sets the ``base_version`` its newer version must carry.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        return batches.write_next(
            self._database, self._device_id, limit, hub_id=hub_id, exclude=exclude
        )

    def abandon_batch(self, batch_id: str, *, sent: bool = True) -> None:
        """The hub refused the whole batch and stored nothing (4xx): retry in a new one.
        ``sent=False``: a batch written ahead that the run never sent (it stopped first)."""
        batches.abandon(self._database, self._device_id, batch_id, sent=sent)

    def recover(self) -> int:
        """Records marked uploading that no open batch holds (a damaged run) -> pending."""
        return batches.recover(self._database)

    # -- receipts -------------------------------------------------------------------------

    def apply_receipt(
        self, batch_id: str, receipt: dict[str, Any], *, sent: OutgoingBatch | None = None
    ) -> ReceiptSummary:
        """Store the receipt and apply every outcome, mark the batch acked, advance the
        checkpoint: one transaction (see ``receipts``). ``sent``: the batch as this run
        wrote it (saves reading its stored body back)."""
        return receipts.apply_receipt(self._database, self._device_id, batch_id, receipt, sent=sent)

    # -- views ----------------------------------------------------------------------------

    def pending_count(self) -> int:
        return sum(self.pending_by_entity().values())

    def pending_by_entity(self) -> dict[str, int]:
        with self._database.read() as db:
            return {
                entity: db.execute(
                    f"SELECT count(*) FROM {table} WHERE sync_state IN ('pending', 'uploading')"
                ).fetchone()[0]
                for entity, table in TABLES.items()
            }

    def state_counts(self) -> dict[str, int]:
        """Records per sync state, both entities together ('duplicate' counts as synced)."""
        counts = dict.fromkeys(("pending", "uploading", "synced", "conflict", "rejected"), 0)
        with self._database.read() as db:
            for table in TABLES.values():
                for state, n in db.execute(
                    f"SELECT sync_state, count(*) FROM {table} GROUP BY sync_state"
                ):
                    key = "synced" if state == "duplicate" else state
                    counts[key] = counts.get(key, 0) + n
        return counts

    def problems(self, limit: int = 100) -> list[dict[str, Any]]:
        """Records the hub refused (conflict or rejected), newest change first."""
        with self._database.read() as db:
            rows = list(
                db.query(
                    "SELECT 'registration' AS entity, uuid, reference_no AS label, full_name,"
                    " sync_state, sync_code, sync_field, sync_message, seq FROM registrations"
                    " WHERE sync_state IN ('conflict', 'rejected') UNION ALL"
                    " SELECT 'lead', uuid, NULL, full_name, sync_state, sync_code, sync_field,"
                    " sync_message, seq FROM leads WHERE sync_state IN ('conflict', 'rejected')"
                    " ORDER BY seq DESC LIMIT ?",
                    [limit],
                )
            )
        return [open_row(self._database.cipher, TABLES[r["entity"]], r) for r in rows]

    def dry_run(self, limit: int) -> dict[str, Any]:
        """What a sync would send now, without writing anything."""
        opened = self.open_batches()
        in_open = sum(b.size for b in opened)
        by_entity = self.pending_by_entity()
        fresh = sum(by_entity.values()) - in_open
        return {
            "pending": by_entity,
            "open_batches": [{"batch_id": b.batch_id, "records": b.size} for b in opened],
            "batches": len(opened) + -(-max(fresh, 0) // max(limit, 1)),
            "batch_size": limit,
        }

    def checkpoint(self, hub_id: str) -> dict[str, Any] | None:
        with self._database.read() as db:
            return db.one("SELECT * FROM sync_checkpoints WHERE hub_id = ?", [hub_id])

    # -- signed bundles (`outreach export`, `outreach sample-hub`) ------------------------

    def export_bundle(self) -> dict[str, Any] | None:
        """Every waiting record as one bundle (a batch body plus kind, protocol and the
        device key's signature, which `outreach hub import` checks).

        Read-only for the records: they stay pending until a sync (or a later bundle) is
        acknowledged; re-sending them later is harmless (same uuid, version and hash ->
        duplicate). The device key is made on first use.
        """
        with self._database.read() as db:
            picked = records.pick(db, None, WAITING, self._database.cipher)
            if not picked:
                return None
            body = records.body(db, self._device_id, new_uuid(), picked)
        return _signed(body, signing_key(self._database))

    def acknowledged_bundles(self, size: int = 5_000) -> Iterator[dict[str, Any]]:
        """Every record a hub has acknowledged (``synced`` or ``duplicate``), as signed
        bundles of at most ``size`` records in seq order: what that hub holds from this
        laptop, for ``outreach sample-hub`` (a demo hub that knows the sample's history).
        Read-only for the records; the device key is made on first use."""
        key = signing_key(self._database)
        after = 0
        while True:
            with self._database.read() as db:
                picked = records.pick(db, size, ACKNOWLEDGED, self._database.cipher,
                                      after_seq=after)  # fmt: skip
                if not picked:
                    return
                # Each at the version the hub holds, as news to a hub that holds nothing
                # yet: a base_version would name a version it never saw.
                first = [(entity, {**row, "base_version": None}) for entity, row in picked]
                body = records.body(db, self._device_id, new_uuid(), first)
            after = max(row["seq"] for _, row in picked)
            yield _signed(body, key)

    # -- reconciliation and downlink ------------------------------------------------------

    def local_reconcile(
        self, days: Collection[str] | None = None, *, zone: tzinfo | None = None
    ) -> list[dict[str, Any]]:
        """Per local day: count and digest of what the hub should hold (see reconcile)."""
        return reconcile.local_reconcile(self._database, self._device_id, days, zone=zone)

    def apply_downlink(self, received: dict[str, Any], *, hub_id: str) -> dict[str, int]:
        return downlink.apply_downlink(self._database, received, hub_id=hub_id)

    def known_participant(self, nik: str) -> dict[str, Any] | None:
        return downlink.known_participant(self._database, nik)

    def reference_version(self) -> str | None:
        """The newest reference dataset installed from a hub, if any."""
        return downlink.reference_version(self._database)


def _signed(body: dict[str, Any], key: bytes) -> dict[str, Any]:
    bundle = {"kind": "outreach-bundle", "protocol": wire.PROTOCOL_VERSION, **body}
    return origin.signed_bundle(bundle, key)
