"""Receipts (docs/SYNC_PROTOCOL.md section 3): what the hub answered for a batch.

A receipt is applied in one transaction: its rows stored, every answered record's new
state, the batch acknowledged and the checkpoint advanced. Applying the same receipt twice
changes nothing; records it did not mention go back to pending. Nothing here deletes a
record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from outreach_tui.store import audit
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.outbox import batches
from outreach_tui.store.outbox.batches import OutgoingBatch
from outreach_tui.store.outbox.states import OUTCOMES, TABLES

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


@dataclass
class ReceiptSummary:
    batch_id: str
    replayed: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    problems: list[dict[str, Any]] = field(default_factory=list)  # conflicts and rejections
    superseded: int = 0  # acknowledged versions already replaced by a newer local edit
    unanswered: int = 0  # records the receipt did not mention: back to pending


def apply_receipt(
    database: Database,
    device_id: str,
    batch_id: str,
    receipt: dict[str, Any],
    *,
    sent: OutgoingBatch | None = None,
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
    with database.write() as db:
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
            stored = batches.stored_body(db, batch_id)
            records = batches.load_body(database.cipher, batch_id, stored)["records"]
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
        _apply_outcomes(db, batch_id, answered, now, summary)
        answered_uuids = {record["uuid"] for record, _ in answered}
        unanswered = [r for uuid, r in by_uuid.items() if uuid not in answered_uuids]
        summary.unanswered = batches.release(db, unanswered)
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
            device_id=device_id,
            action="sync.batch_acked",
            detail={"batch_id": batch_id, "hub_id": hub_id, **summary.counts},
        )
    return summary


def _apply_outcomes(
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
