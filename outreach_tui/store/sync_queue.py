"""The laptop's side of sync bookkeeping (docs/SYNC_PROTOCOL.md section 3): the only SQL.

A batch is written (``sync_batches``, status ``open``, with its exact body) and its records
marked ``uploading`` in one transaction before anything is sent; a receipt is applied in one
transaction. A run killed in between leaves an open batch that the next run re-sends with
the same ``batch_id`` and the same bytes, so a success the client never heard comes back as
a replayed receipt. Nothing here deletes a record.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import origin, wire
from outreach_tui.domain.ids import new_uuid
from outreach_tui.store import audit, sync_inbound
from outreach_tui.store import sync_outgoing as outgoing
from outreach_tui.store.crypto import write_cipher
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.device_key import signing_key

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

TABLES = {"registration": "registrations", "lead": "leads"}
OUTCOMES = ("accepted", "duplicate", "conflict", "rejected")
WAITING = ("pending", "uploading")
ACKNOWLEDGED = ("synced", "duplicate")


@dataclass(frozen=True)
class OutgoingBatch:
    batch_id: str
    body: dict[str, Any]  # the JSON body to POST
    resent: bool = False  # an open batch left by an earlier (killed) run
    encoded: bytes | None = field(default=None, compare=False)  # its exact bytes, as stored
    # The text in sync_batches.body (sealed when encryption is on), for the ack.
    stored: str | None = field(default=None, compare=False, repr=False)

    @cached_property
    def uuids(self) -> set[str]:
        # Asked for each batch written while this one travels: built once.
        return {r["uuid"] for r in self.body["records"]}

    @property
    def records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = self.body["records"]
        return records

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
                    OutgoingBatch(
                        batch_id, json.loads(text), resent=True, encoded=text.encode(),
                        stored=stored,
                    )
                )  # fmt: skip
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
            stored = outgoing.seal_body(cipher, body["batch_id"], text)
            db.execute(
                "INSERT INTO sync_batches (batch_id, hub_id, seq_from, seq_to, record_count,"
                " status, created_at, body) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
                [body["batch_id"], hub_id, body["seq_from"], body["seq_to"], len(picked),
                 utc_now(), stored],
            )  # fmt: skip
            for entity, table in TABLES.items():
                rowids = [row["_rowid"] for kind, row in picked if kind == entity]
                outgoing.set_state(db, table, "uploading", rowids)
        return OutgoingBatch(body["batch_id"], body, encoded=text.encode(), stored=stored)

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
            held: set[str] = set()
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
                db.executemany(f"UPDATE {table} SET sync_state = 'pending' WHERE uuid = ?", stray)
                fixed += len(stray)
        return fixed

    # -- receipts -------------------------------------------------------------------------

    def apply_receipt(
        self, batch_id: str, receipt: dict[str, Any], *, sent: OutgoingBatch | None = None
    ) -> ReceiptSummary:
        """Store the receipt and apply every outcome, mark the batch acked, advance the
        checkpoint: one transaction. Applying the same receipt twice changes nothing.

        ``sent``: the batch as this run wrote it (saves reading its stored body back).
        Set-based: the receipt rows in one statement, the records the hub took in one per
        acknowledged version, not a few statements per record. ``sync_batches.receipt``
        keeps a summary (``receipt_record``); each outcome is a row of ``sync_receipts``."""
        if sent is not None and sent.batch_id != batch_id:
            raise ValueError("sent is another batch")
        summary = ReceiptSummary(batch_id, replayed=bool(receipt.get("replayed")))
        with self._database.write() as db:
            row = db.execute(
                "SELECT status, hub_id, seq_to FROM sync_batches WHERE batch_id = ?", [batch_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"unknown sync batch {batch_id}")
            if row[0] == "acked":
                return summary
            # The stored body (~1 MB a batch) is read back only when the run has no copy.
            if sent is not None:
                records, stored = sent.records, sent.stored
            else:
                records, stored = self._stored_records(db, batch_id)
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
            hub_id = receipt.get("hub_id") or row[1]
            _ack(db, batch_id, stored, [now, receipt_record(receipt, summary), hub_id])
            db.execute(
                "INSERT INTO sync_checkpoints (hub_id, last_acked_seq, updated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (hub_id) DO UPDATE SET"
                " last_acked_seq = max(last_acked_seq, excluded.last_acked_seq),"
                " updated_at = excluded.updated_at",
                [hub_id, row[2], now],
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
        db: Transaction,
        batch_id: str,
        answered: list[tuple[dict[str, Any], dict[str, Any]]],
        now: str,
        summary: ReceiptSummary,
    ) -> None:
        """Each answered record's receipt row and new state (see apply_receipt): one
        statement per acknowledged version and table (nearly always one or two), not a few
        per record; refusals, rare, one by one."""
        receipts = []
        taken: dict[tuple[str, int], list[str]] = {}  # (table, version the hub took) -> uuids
        refused: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLES.values()}
        for record, result in answered:
            entity, uuid, version = record["entity"], record["uuid"], record["version"]
            outcome = result["outcome"]
            code, fld, message = result.get("code"), result.get("field"), result.get("message")
            summary.counts[outcome] += 1
            receipts.append((entity, uuid, version, outcome, code, fld, message))
            if outcome in ("accepted", "duplicate"):
                taken.setdefault((TABLES[entity], version), []).append(uuid)
                continue
            refused[TABLES[entity]].append((outcome, code, fld, message, uuid, version))
            summary.problems.append(
                {"entity": entity, "uuid": uuid, "version": version, "outcome": outcome,
                 "code": code, "field": fld, "message": message}
            )  # fmt: skip
        _insert_receipts(db, batch_id, receipts)
        for (table, version), uuids in taken.items():
            summary.superseded += _take(db, table, version, uuids, now)
        for table, rows in refused.items():
            # A record edited since it was sent (a newer version) keeps its own state.
            db.executemany(
                f"UPDATE {table} SET sync_state = ?, sync_code = ?, sync_field = ?,"
                " sync_message = ? WHERE uuid = ? AND version <= ?",
                rows,
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
            cursor = db.execute("SELECT * FROM sync_checkpoints WHERE hub_id = ?", [hub_id])
            row = cursor.fetchone()
            names = [d[0] for d in cursor.description]
        return dict(zip(names, row, strict=True)) if row else None

    def export_bundle(self) -> dict[str, Any] | None:
        """Every waiting record as one bundle (a batch body plus kind, protocol and the
        device key's signature, which `outreach hub import` checks).

        Read-only for the records: they stay pending until a sync (or a later bundle) is
        acknowledged; re-sending them later is harmless (same uuid, version and hash ->
        duplicate). The device key is made on first use.
        """
        with self._database.read() as db:
            picked = outgoing.pick(db, None, WAITING, self._database.cipher)
            if not picked:
                return None
            body = outgoing.body(db, self._device_id, new_uuid(), picked)
        bundle = {"kind": "outreach-bundle", "protocol": wire.PROTOCOL_VERSION, **body}
        return origin.signed_bundle(bundle, signing_key(self._database))

    def acknowledged_bundles(self, size: int = 5_000) -> Iterator[dict[str, Any]]:
        """Every record a hub has acknowledged (``synced`` or ``duplicate``), as signed
        bundles of at most ``size`` records in seq order: what that hub holds from this
        laptop, for ``outreach sample-hub`` (a demo hub that knows the sample's history).
        Read-only for the records; the device key is made on first use."""
        key = signing_key(self._database)
        after = 0
        while True:
            with self._database.read() as db:
                picked = outgoing.pick(db, size, ACKNOWLEDGED, self._database.cipher,
                                       after_seq=after)  # fmt: skip
                if not picked:
                    return
                # Each at the version the hub holds, as news to a hub that holds nothing
                # yet: a base_version would name a version it never saw.
                first = [(entity, {**row, "base_version": None}) for entity, row in picked]
                body = outgoing.body(db, self._device_id, new_uuid(), first)
            after = max(row["seq"] for _, row in picked)
            bundle = {"kind": "outreach-bundle", "protocol": wire.PROTOCOL_VERSION, **body}
            yield origin.signed_bundle(bundle, key)

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

    def _stored_records(
        self, db: Transaction, batch_id: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The records of a stored batch, and its body as stored."""
        (text,) = db.execute(
            "SELECT body FROM sync_batches WHERE batch_id = ?", [batch_id]
        ).fetchone()
        return outgoing.load_body(self._database.cipher, batch_id, text)["records"], text

    def _open_body(self, db: Transaction, batch_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT body FROM sync_batches WHERE batch_id = ? AND status = 'open'", [batch_id]
        ).fetchone()
        return (
            outgoing.load_body(self._database.cipher, batch_id, row[0]) if row and row[0] else None
        )

    @staticmethod
    def _release(db: Transaction, records: Iterable[dict[str, Any]]) -> int:
        """Sent records still at the sent version and uploading -> pending again."""
        released = 0
        listed = list(records)
        for entity, table in TABLES.items():
            rows = [(r["uuid"], r["version"]) for r in listed if r["entity"] == entity]
            if rows:
                released += db.executemany(
                    f"UPDATE {table} SET sync_state = 'pending'"
                    " WHERE uuid = ? AND version = ? AND sync_state = 'uploading'",
                    rows,
                ).rowcount
        return released


def _ack(db: Transaction, batch_id: str, stored: str | None, values: list[Any]) -> None:
    """The batch acknowledged: status, acked_at, receipt and hub_id set to ``values``.

    Its body (~1 MB) is taken out and put back, the same text, in the same transaction:
    one UPDATE would copy it to new pages and then zero the old ones (secure_delete),
    twice the pages in the WAL; this way it goes back onto the pages it just left.
    ``stored``: the body as written, if the caller has it (SQLite checks it is exactly
    what the row holds); else it is read back.
    """
    if stored is None:
        row = db.execute("SELECT body FROM sync_batches WHERE batch_id = ?", [batch_id])
        stored = row.fetchone()[0]
    moved = (
        stored is not None
        and db.execute(
            "UPDATE sync_batches SET body = NULL WHERE batch_id = ? AND body = ?",
            [batch_id, stored],
        ).rowcount
    )
    db.execute(
        "UPDATE sync_batches SET status = 'acked', acked_at = ?, receipt = ?, hub_id = ?"
        + (", body = ?" if moved else "") + " WHERE batch_id = ?",
        [*values, *([stored] if moved else []), batch_id],
    )  # fmt: skip


def _take(db: Transaction, table: str, version: int, uuids: list[str], now: str) -> int:
    """The hub took ``version`` of the records ``uuids``: each is now based on it and, unless
    edited while in flight (a newer version, which stays pending), synced. Returns how many
    of ``uuids`` were edited so (each answer counted, as the receipt's results are)."""
    newer = {
        uuid
        for uuid, edited in db.execute(
            f"UPDATE OR FAIL {table} SET base_version = ?1,"  # OR FAIL: see outgoing.set_state
            " sync_state = CASE WHEN version > ?1 THEN sync_state ELSE 'synced' END,"
            " synced_at = CASE WHEN version > ?1 THEN synced_at ELSE ?2 END,"
            " sync_code = CASE WHEN version > ?1 THEN sync_code END,"
            " sync_field = CASE WHEN version > ?1 THEN sync_field END,"
            " sync_message = CASE WHEN version > ?1 THEN sync_message END"
            " WHERE uuid IN (SELECT value FROM json_each(?3)) RETURNING uuid, version > ?1",
            [version, now, json.dumps(uuids)],
        )
        if edited
    }
    return sum(uuid in newer for uuid in uuids) if newer else 0


_TEXT = (str, type(None))
_INSERT_RECEIPT = (
    "INSERT INTO sync_receipts (batch_id, entity, uuid, version, outcome, code, field, message)"
)
_ITEMS = [f"json_extract(value, '$[{i}]')" for i in range(7)]  # a receipt row's columns


def _insert_receipts(db: Transaction, batch_id: str, receipts: list[tuple[Any, ...]]) -> None:
    """``sync_receipts`` rows (entity, uuid, version, outcome, code, field, message), the
    first of a repeated key kept. One statement over a JSON array, not one per row (each
    INSERT execution sets up its cursors again). What JSON would not carry exactly takes
    the row-by-row way, stored as bound: a code, field or message that is not text (never
    from our hub), and text holding a NUL (SQLite's JSON cuts it there)."""
    text = None
    if all(type(v) in _TEXT for receipt in receipts for v in receipt[4:]):
        text = json.dumps(receipts, ensure_ascii=False)
    if text is not None and "\\u0000" not in text:
        db.execute(
            f"{_INSERT_RECEIPT} SELECT ?, {', '.join(_ITEMS)} FROM json_each(?)"
            " WHERE true ON CONFLICT DO NOTHING",  # WHERE: the upsert after a SELECT parses
            [batch_id, text],
        )
    else:
        db.executemany(
            f"{_INSERT_RECEIPT} VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(batch_id, *receipt) for receipt in receipts],
        )


def receipt_record(receipt: dict[str, Any], summary: ReceiptSummary) -> str:
    """What ``sync_batches.receipt`` keeps: the receipt without its per-record results
    (those are the batch's ``sync_receipts`` rows; a second copy was ~110 KB of writes
    per 1,000-record batch that nothing read), with their counts."""
    results = receipt.get("results") or []
    kept = {name: value for name, value in receipt.items() if name != "results"}
    answered = sum(summary.counts.values())
    kept.update(
        result_count=len(results), counts=summary.counts, ignored=len(results) - answered,
        unanswered=summary.unanswered, superseded=summary.superseded,
        results_in="sync_receipts",
    )  # fmt: skip
    return json.dumps(kept, ensure_ascii=False)
