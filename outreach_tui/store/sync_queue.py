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
    body: dict[str, Any]  # the JSON body to POST
    resent: bool = False  # an open batch left by an earlier (killed) run
    encoded: bytes | None = field(default=None, compare=False)  # its exact bytes, as stored

    @property
    def uuids(self) -> set[str]:
        return {r["uuid"] for r in self.body["records"]}

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
        batches = []
        for batch_id, stored in rows:
            if stored:
                text = outgoing.body_text(cipher, batch_id, stored)
                batches.append(
                    OutgoingBatch(batch_id, json.loads(text), resent=True, encoded=text.encode())
                )
        return batches

    def next_batch(
        self, limit: int, *, hub_id: str, exclude: Collection[str] = ()
    ) -> OutgoingBatch | None:
        """Write the next batch (status open) and mark its records uploading, atomically.

        ``exclude``: uuids of a batch still in flight. A record edited meanwhile waits for
        that receipt, which sets the ``base_version`` its newer version must carry.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            picked = outgoing.pick(db, limit, ("pending",), cipher, exclude=exclude)
            if not picked:
                return None
            body, text = outgoing.body_and_text(db, self._device_id, new_uuid(), picked)
            db.execute(
                "INSERT INTO sync_batches (batch_id, hub_id, seq_from, seq_to, record_count,"
                " status, created_at, body) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                [body["batch_id"], hub_id, body["seq_from"], body["seq_to"], len(picked),
                 utc_now(), outgoing.seal_body(cipher, body["batch_id"], text)],
            )  # fmt: skip
            for entity, table in TABLES.items():
                db.conn.executemany(
                    f"UPDATE {table} SET sync_state = 'uploading' WHERE uuid = ?",
                    [(row["uuid"],) for kind, row in picked if kind == entity],
                )
        return OutgoingBatch(body["batch_id"], body, encoded=text.encode())

    def abandon_batch(self, batch_id: str, *, sent: bool = True) -> None:
        """The hub refused the whole batch and stored nothing (4xx): retry in a new one.
        ``sent=False``: a batch written ahead that the run never sent (it stopped first)."""
        with self._database.write() as db:
            body = self._open_body(db, batch_id)
            if body is None:
                return
            self._release(db, body["records"])
            db.execute("UPDATE sync_batches SET status = 'failed' WHERE batch_id = ?", [batch_id])
            detail: dict[str, Any] = {"batch_id": batch_id, "records": len(body["records"])}
            if not sent:
                detail["sent"] = False
            audit.append(db, device_id=self._device_id, action="sync.batch_failed", detail=detail)

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
                stray = [
                    (uuid,)
                    for (uuid,) in db.execute(
                        f"SELECT uuid FROM {table} WHERE sync_state = 'uploading'"
                    ).fetchall()
                    if uuid not in held
                ]
                db.conn.executemany(
                    f"UPDATE {table} SET sync_state = 'pending' WHERE uuid = ?", stray
                )
                fixed += len(stray)
        return fixed

    # -- receipts -------------------------------------------------------------------------

    def apply_receipt(
        self, batch_id: str, receipt: dict[str, Any], *, sent: OutgoingBatch | None = None
    ) -> ReceiptSummary:
        """Store the receipt and apply every outcome, mark the batch acked, advance the
        checkpoint: one transaction. Applying the same receipt twice changes nothing.

        ``sent``: the batch as this run wrote it (saves reading its stored body back).
        Set-based: one look-up of the records' current versions and one ``executemany``
        per kind of change, not a few statements per record."""
        if sent is not None and sent.batch_id != batch_id:
            raise ValueError("sent is another batch")
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
            if sent is None:
                records = outgoing.load_body(self._database.cipher, batch_id, row[1])["records"]
            else:
                records = sent.records
            by_uuid = {r["uuid"]: r for r in records}
            answered: list[tuple[dict[str, Any], dict[str, Any]]] = []
            for result in receipt.get("results") or []:
                record = by_uuid.get(result.get("uuid"))
                if record is None or result.get("version") != record["version"]:
                    continue  # not something we sent: ignore rather than guess
                if result.get("outcome") not in OUTCOMES:
                    continue
                answered.append((record, result))
            now = utc_now()
            self._apply_outcomes(db, batch_id, answered, now, summary)
            answered_uuids = {record["uuid"] for record, _ in answered}
            unanswered = [r for uuid, r in by_uuid.items() if uuid not in answered_uuids]
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

    def _apply_outcomes(
        self,
        db: sqlite_utils.Database,
        batch_id: str,
        answered: list[tuple[dict[str, Any], dict[str, Any]]],
        now: str,
        summary: ReceiptSummary,
    ) -> None:
        """Each answered record's receipt row and new state (see apply_receipt)."""
        receipts = []
        for record, result in answered:
            entity, uuid, version = record["entity"], record["uuid"], record["version"]
            outcome = result["outcome"]
            code, fld, message = result.get("code"), result.get("field"), result.get("message")
            summary.counts[outcome] += 1
            receipts.append((batch_id, entity, uuid, version, outcome, code, fld, message))
            if outcome in ("conflict", "rejected"):
                summary.problems.append(
                    {"entity": entity, "uuid": uuid, "version": version, "outcome": outcome,
                     "code": code, "field": fld, "message": message}
                )  # fmt: skip
        db.conn.executemany(
            "INSERT INTO sync_receipts (batch_id, entity, uuid, version, outcome, code, field,"
            " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            receipts,
        )
        for entity, table in TABLES.items():
            mine = [(rec, res) for rec, res in answered if rec["entity"] == entity]
            current = outgoing.versions(db, table, [rec["uuid"] for rec, _ in mine])
            rebased, synced, refused = [], [], []
            for record, result in mine:
                uuid, version, outcome = record["uuid"], record["version"], result["outcome"]
                if uuid not in current:
                    continue
                ok = outcome in ("accepted", "duplicate")
                if current[uuid] > version:
                    # Edited while in flight: the newer version stays pending; if the hub took
                    # the sent one, the newer one is now based on it (not taken for a conflict).
                    if ok:
                        rebased.append((version, uuid))
                        summary.superseded += 1
                elif ok:
                    synced.append((now, version, uuid))
                else:
                    refused.append(
                        (outcome, result.get("code"), result.get("field"), result.get("message"),
                         uuid)
                    )  # fmt: skip
            db.conn.executemany(f"UPDATE {table} SET base_version = ? WHERE uuid = ?", rebased)
            db.conn.executemany(
                f"UPDATE {table} SET sync_state = 'synced', synced_at = ?, base_version = ?,"
                " sync_code = NULL, sync_field = NULL, sync_message = NULL WHERE uuid = ?",
                synced,
            )
            db.conn.executemany(
                f"UPDATE {table} SET sync_state = ?, sync_code = ?, sync_field = ?,"
                " sync_message = ? WHERE uuid = ?",
                refused,
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
        listed = list(records)
        for entity, table in TABLES.items():
            rows = [(r["uuid"], r["version"]) for r in listed if r["entity"] == entity]
            if rows:
                released += db.conn.executemany(
                    f"UPDATE {table} SET sync_state = 'pending'"
                    " WHERE uuid = ? AND version = ? AND sync_state = 'uploading'",
                    rows,
                ).rowcount
        return released
