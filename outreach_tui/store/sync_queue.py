"""The laptop's side of sync bookkeeping (docs/SYNC_PROTOCOL.md section 3): the only SQL.

A batch is written (``sync_batches``, status ``open``, with its exact body) and its records
marked ``uploading`` in one transaction before anything is sent; a receipt is applied in one
transaction. A run killed in between leaves an open batch that the next run re-sends with
the same ``batch_id`` and the same bytes, so a success the client never heard comes back as
a replayed receipt. Nothing here deletes a record.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.store import audit, sync_inbound
from outreach_tui.store import sync_outgoing as outgoing
from outreach_tui.store.crypto import write_cipher
from outreach_tui.store.database import Database, StoreError, utc_now

if TYPE_CHECKING:
    import sqlite_utils

TABLES = {"registration": "registrations", "lead": "leads"}
OUTCOMES = ("accepted", "duplicate", "conflict", "rejected")
WAITING = ("pending", "uploading")


@dataclass(frozen=True)
class OutgoingBatch:
    batch_id: str
    body: dict[str, Any]  # the exact JSON body to POST
    resent: bool = False  # an open batch left by an earlier (killed) run

    @property
    def records(self) -> list[dict[str, Any]]:
        return self.body["records"]

    @property
    def size(self) -> int:
        return len(self.body["records"])


@dataclass
class ReceiptSummary:
    batch_id: str
    replayed: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    problems: list[dict[str, Any]] = field(default_factory=list)  # conflicts and rejections
    superseded: int = 0  # acknowledged versions already replaced by a newer local edit
    unanswered: int = 0  # records the receipt did not mention: back to pending


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
        with self._database.read() as db:
            rows = db.execute(
                "SELECT batch_id, body FROM sync_batches WHERE status = 'open'"
                " ORDER BY created_at, rowid"
            ).fetchall()
        cipher = self._database.cipher
        return [
            OutgoingBatch(r[0], outgoing.load_body(cipher, r[0], r[1]), resent=True)
            for r in rows
            if r[1]
        ]

    def next_batch(self, limit: int, *, hub_id: str) -> OutgoingBatch | None:
        """Write the next batch (status open) and mark its records uploading, atomically."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            picked = outgoing.pick(db, limit, ("pending",), cipher)
            if not picked:
                return None
            body = outgoing.body(db, self._device_id, new_uuid(), picked)
            db.execute(
                "INSERT INTO sync_batches (batch_id, hub_id, seq_from, seq_to, record_count,"
                " status, created_at, body) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                [body["batch_id"], hub_id, body["seq_from"], body["seq_to"], len(picked),
                 utc_now(), outgoing.dump_body(cipher, body)],
            )  # fmt: skip
            for entity, row in picked:
                db.execute(
                    f"UPDATE {TABLES[entity]} SET sync_state = 'uploading' WHERE uuid = ?",
                    [row["uuid"]],
                )
        return OutgoingBatch(body["batch_id"], body)

    def abandon_batch(self, batch_id: str) -> None:
        """The hub refused the whole batch and stored nothing (4xx): retry in a new one."""
        with self._database.write() as db:
            body = self._open_body(db, batch_id)
            if body is None:
                return
            self._release(db, body["records"])
            db.execute("UPDATE sync_batches SET status = 'failed' WHERE batch_id = ?", [batch_id])
            audit.append(
                db, device_id=self._device_id, action="sync.batch_failed",
                detail={"batch_id": batch_id, "records": len(body["records"])},
            )  # fmt: skip

    def recover(self) -> int:
        """Records marked uploading that no open batch holds (a damaged run) -> pending."""
        with self._database.write() as db:
            held = set()
            for batch_id, text in db.execute(
                "SELECT batch_id, body FROM sync_batches WHERE status = 'open'"
            ).fetchall():
                body = outgoing.load_body(self._database.cipher, batch_id, text)
                held.update(r["uuid"] for r in body["records"])
            fixed = 0
            for table in TABLES.values():
                for (uuid,) in db.execute(
                    f"SELECT uuid FROM {table} WHERE sync_state = 'uploading'"
                ).fetchall():
                    if uuid not in held:
                        db.execute(
                            f"UPDATE {table} SET sync_state = 'pending' WHERE uuid = ?", [uuid]
                        )
                        fixed += 1
        return fixed

    # -- receipts -------------------------------------------------------------------------

    def apply_receipt(self, batch_id: str, receipt: dict[str, Any]) -> ReceiptSummary:
        """Store the receipt and apply every outcome, mark the batch acked, advance the
        checkpoint: one transaction. Applying the same receipt twice changes nothing."""
        summary = ReceiptSummary(batch_id, replayed=bool(receipt.get("replayed")))
        with self._database.write() as db:
            row = db.execute(
                "SELECT status, body, hub_id, seq_to FROM sync_batches WHERE batch_id = ?",
                [batch_id],
            ).fetchone()
            if row is None:
                raise StoreError(f"unknown sync batch {batch_id}")
            if row[0] == "acked":
                return summary
            body = outgoing.load_body(self._database.cipher, batch_id, row[1])
            sent = {r["uuid"]: r for r in body["records"]}
            answered: set[str] = set()
            now = utc_now()
            for result in receipt.get("results") or []:
                record = sent.get(result.get("uuid"))
                if record is None or result.get("version") != record["version"]:
                    continue  # not something we sent: ignore rather than guess
                if result.get("outcome") not in OUTCOMES:
                    continue
                answered.add(record["uuid"])
                self._apply_outcome(db, batch_id, record, result, now, summary)
            unanswered = [r for uuid, r in sent.items() if uuid not in answered]
            summary.unanswered = self._release(db, unanswered)
            hub_id = receipt.get("hub_id") or row[2]
            db.execute(
                "UPDATE sync_batches SET status = 'acked', acked_at = ?, receipt = ?,"
                " hub_id = ? WHERE batch_id = ?",
                [now, json.dumps(receipt, ensure_ascii=False), hub_id, batch_id],
            )
            db.execute(
                "INSERT INTO sync_checkpoints (hub_id, last_acked_seq, updated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (hub_id) DO UPDATE SET"
                " last_acked_seq = max(last_acked_seq, excluded.last_acked_seq),"
                " updated_at = excluded.updated_at",
                [hub_id, row[3], now],
            )
            audit.append(
                db,
                device_id=self._device_id,
                action="sync.batch_acked",
                detail={"batch_id": batch_id, "hub_id": hub_id, **summary.counts},
            )
        return summary

    def _apply_outcome(
        self,
        db: sqlite_utils.Database,
        batch_id: str,
        record: dict[str, Any],
        result: dict[str, Any],
        now: str,
        summary: ReceiptSummary,
    ) -> None:
        entity, uuid, version = record["entity"], record["uuid"], record["version"]
        outcome = result["outcome"]
        code, fld, message = result.get("code"), result.get("field"), result.get("message")
        summary.counts[outcome] += 1
        db.execute(
            "INSERT INTO sync_receipts (batch_id, entity, uuid, version, outcome, code, field,"
            " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [batch_id, entity, uuid, version, outcome, code, fld, message],
        )
        if outcome in ("conflict", "rejected"):
            summary.problems.append(
                {"entity": entity, "uuid": uuid, "version": version, "outcome": outcome,
                 "code": code, "field": fld, "message": message}
            )  # fmt: skip
        table = TABLES[entity]
        current = db.execute(f"SELECT version FROM {table} WHERE uuid = ?", [uuid]).fetchone()
        if current is None:
            return
        if current[0] > version:
            # Edited while in flight: the newer version stays pending; if the hub took the
            # sent one, the newer one is now based on it (so it is not taken for a conflict).
            if outcome in ("accepted", "duplicate"):
                db.execute(f"UPDATE {table} SET base_version = ? WHERE uuid = ?", [version, uuid])
                summary.superseded += 1
            return
        if outcome in ("accepted", "duplicate"):
            db.execute(
                f"UPDATE {table} SET sync_state = 'synced', synced_at = ?, base_version = ?,"
                " sync_code = NULL, sync_field = NULL, sync_message = NULL WHERE uuid = ?",
                [now, version, uuid],
            )
        else:
            db.execute(
                f"UPDATE {table} SET sync_state = ?, sync_code = ?, sync_field = ?,"
                " sync_message = ? WHERE uuid = ?",
                [outcome, code, fld, message, uuid],
            )

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
        return sync_inbound.state_counts(self._database)

    def problems(self, limit: int = 100) -> list[dict[str, Any]]:
        """Records the hub refused (conflict or rejected), newest change first."""
        return sync_inbound.problems(self._database, limit)

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
            rows = list(db.query("SELECT * FROM sync_checkpoints WHERE hub_id = ?", [hub_id]))
        return rows[0] if rows else None

    def export_bundle(self) -> dict[str, Any] | None:
        """Every waiting record as one bundle (a batch body plus kind and protocol).

        Read-only: the records stay pending until a sync (or a later bundle) is acknowledged;
        re-sending them later is harmless (same uuid, version and hash -> duplicate).
        """
        with self._database.read() as db:
            picked = outgoing.pick(db, None, WAITING, self._database.cipher)
            if not picked:
                return None
            body = outgoing.body(db, self._device_id, new_uuid(), picked)
        return {"kind": "outreach-bundle", "protocol": wire.PROTOCOL_VERSION, **body}

    # -- reconciliation and downlink ------------------------------------------------------

    def local_reconcile(
        self, days: Collection[str] | None = None, *, zone: tzinfo | None = None
    ) -> list[dict[str, Any]]:
        """Per local day: count and digest of what the hub should hold (see sync_inbound)."""
        return sync_inbound.local_reconcile(self._database, self._device_id, days, zone=zone)

    def apply_downlink(self, downlink: dict[str, Any], *, hub_id: str) -> dict[str, int]:
        return sync_inbound.apply_downlink(self._database, downlink, hub_id=hub_id)

    def known_participant(self, nik: str) -> dict[str, Any] | None:
        return sync_inbound.known_participant(self._database, nik)

    def reference_version(self) -> str | None:
        """The newest reference dataset installed from a hub, if any."""
        return sync_inbound.reference_version(self._database)

    # -- internals ------------------------------------------------------------------------

    def _open_body(self, db: sqlite_utils.Database, batch_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT body FROM sync_batches WHERE batch_id = ? AND status = 'open'", [batch_id]
        ).fetchone()
        return (
            outgoing.load_body(self._database.cipher, batch_id, row[0]) if row and row[0] else None
        )

    @staticmethod
    def _release(db: sqlite_utils.Database, records: Iterable[dict[str, Any]]) -> int:
        """Sent records still at the sent version and uploading -> pending again."""
        released = 0
        for r in records:
            released += db.execute(
                f"UPDATE {TABLES[r['entity']]} SET sync_state = 'pending'"
                " WHERE uuid = ? AND version = ? AND sync_state = 'uploading'",
                [r["uuid"], r["version"]],
            ).rowcount
        return released
