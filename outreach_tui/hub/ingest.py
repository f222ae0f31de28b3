"""A batch in, a receipt out: one transaction, per-record outcomes (SYNC_PROTOCOL.md §2).

The same code serves ``POST /api/v1/batches`` and ``outreach hub import``. Locks are
taken in one global order (batch row, officer, events by code, records by uuid, rollups
by key, the feed counter, the device row) so concurrent batches on PostgreSQL cannot
deadlock each other; uniqueness comes from primary keys, never from check-then-insert.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from outreach_tui.domain import wire
from outreach_tui.hub import audit, rollup
from outreach_tui.hub.auth import Device
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.evaluate import Derived, Rejection, evaluate
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.models import BatchIn, RecordIn
from outreach_tui.hub.storage import Row, Storage, Tx, utc_now
from outreach_tui.i18n import t

_CURRENT = (
    "SELECT uuid, entity, version, content_hash, officer_code, event_code, day, role, path, "
    "sector, monthly_due, voided, programs, converted FROM records WHERE uuid = ?"
)


class _BatchExists(Exception):
    """Another request stored this batch_id first: answer from its stored receipt."""


def batch_digest(batch: BatchIn) -> str:
    """sha256 of the canonical body; bundles hash like the batch they carry."""
    body = batch.model_dump(mode="json", exclude={"kind", "protocol"})
    return hashlib.sha256(wire.canonical_json(body)).hexdigest()


def stored_receipt(storage: Storage, batch_id: str, digest: str) -> dict[str, Any] | None:
    """The receipt of a batch seen before (replayed), 409 if the id came with other content."""
    with storage.read() as tx:
        row = tx.one("SELECT digest, receipt FROM batches WHERE batch_id = ?", (batch_id,))
    if row is None:
        return None
    if row["digest"] != digest or row["receipt"] is None:
        raise HubError("batch.id_reused", 409, field="batch_id")
    return {**json.loads(row["receipt"]), "replayed": True}


@dataclass
class _Run:
    batch: BatchIn
    hub: HubInfo
    language: str
    received_at: str
    judged: dict[int, Rejection | Derived]
    deltas: rollup.Deltas = field(default_factory=lambda: defaultdict(rollup.empty))
    outcomes: dict[int, dict[str, Any]] = field(default_factory=dict)


def ingest_batch(
    storage: Storage,
    hub: HubInfo,
    batch: BatchIn,
    *,
    device: Device | None,
    source: str = "api",
    language: str = "id",
) -> dict[str, Any]:
    """Apply ``batch`` once; a repeat returns the stored receipt with ``replayed: true``."""
    digest = batch_digest(batch)
    if (known := stored_receipt(storage, batch.batch_id, digest)) is not None:
        return known
    judged = {i: evaluate(record, hub, language) for i, record in enumerate(batch.records)}

    def work(tx: Tx) -> dict[str, Any]:
        run = _Run(batch, hub, language, utc_now(), judged)
        claimed = tx.execute(
            "INSERT INTO batches (batch_id, device_id, client_device_id, source, digest, "
            "record_count, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (batch_id) DO NOTHING",
            (
                batch.batch_id,
                device.id if device else None,
                batch.device_id,
                source,
                digest,
                len(batch.records),
                run.received_at,
            ),
        )
        if claimed != 1:
            raise _BatchExists
        _upsert_context(tx, batch, run.received_at)
        order = sorted(range(len(batch.records)), key=lambda i: _lock_key(batch.records[i]))
        for i in order:
            run.outcomes[i] = _apply(tx, run, batch.records[i], judged[i], device)
        rollup.apply(tx, run.deltas)
        results = [run.outcomes[i] for i in range(len(batch.records))]
        receipt = {
            "batch_id": batch.batch_id,
            "hub_id": hub.hub_id,
            "received_at": run.received_at,
            "replayed": False,
            "results": results,
        }
        accepted = sum(r["outcome"] == "accepted" for r in results)
        feed_seq = next_feed_seq(tx) if accepted else None
        tx.execute(
            "UPDATE batches SET receipt = ?, feed_seq = ? WHERE batch_id = ?",
            (json.dumps(receipt, ensure_ascii=False), feed_seq, batch.batch_id),
        )
        if device is not None:
            tx.execute(
                "UPDATE devices SET last_sync_at = ?, client_device_id = ? WHERE id = ?",
                (run.received_at, batch.device_id, device.id),
            )
        counts = {
            o: sum(r["outcome"] == o for r in results)
            for o in ("accepted", "duplicate", "conflict", "rejected")
        }
        audit.append(
            tx,
            f"batch.{source}",
            actor=device.id if device else None,
            batch=batch.batch_id,
            device=batch.device_id,
            **counts,
        )
        return receipt

    try:
        return storage.write(work)
    except _BatchExists:
        known = stored_receipt(storage, batch.batch_id, digest)
        assert known is not None
        return known


def _lock_key(record: RecordIn) -> tuple[str, int]:
    return record.uuid, record.version


def next_feed_seq(tx: Tx) -> int:
    """The next downlink cursor value; call last in a transaction (held until commit)."""
    row = tx.one("UPDATE counters SET value = value + 1 WHERE name = 'feed' RETURNING value")
    assert row is not None
    return int(row["value"])


def _unchanged(tx: Tx, table: str, values: dict[str, Any]) -> bool:
    """True when the stored row already says everything ``values`` says.

    Context rows are shared by every batch of an event; writing them only when they
    change keeps concurrent batches on PostgreSQL from queueing behind one row lock.
    """
    row = tx.one(f"SELECT * FROM {table} WHERE code = ?", (values["code"],))
    return row is not None and all(v is None or row[k] == v for k, v in values.items())


def _upsert_context(tx: Tx, batch: BatchIn, now: str) -> None:
    if batch.officer is not None:
        o = batch.officer
        fields = {"code": o.code, "name": o.name, "branch_code": o.branch_code}
        if not _unchanged(tx, "officers", fields):
            tx.execute(
                "INSERT INTO officers (code, name, branch_code, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                "name = COALESCE(excluded.name, officers.name), "
                "branch_code = COALESCE(excluded.branch_code, officers.branch_code), "
                "updated_at = excluded.updated_at",
                (o.code, o.name, o.branch_code, now, now),
            )
    columns = wire.EVENT_FIELDS
    updates = ", ".join(f"{c} = COALESCE(excluded.{c}, events.{c})" for c in columns[1:])
    sql = (
        f"INSERT INTO events ({', '.join(columns)}, updated_at) "
        f"VALUES ({', '.join('?' * (len(columns) + 1))}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}, updated_at = excluded.updated_at"
    )
    for event in sorted({e.code: e for e in batch.events}.values(), key=lambda e: e.code):
        values = {c: getattr(event, c) for c in columns}
        if not _unchanged(tx, "events", values):
            tx.execute(sql, (*values.values(), now))


def _result(record: RecordIn, outcome: str, problem: Rejection | None = None) -> dict[str, Any]:
    return {
        "uuid": record.uuid,
        "version": record.version,
        "outcome": outcome,
        "code": problem.code if problem else None,
        "field": problem.field if problem else None,
        "message": problem.message if problem else None,
    }


def _same(row: Row | None, record: RecordIn) -> bool:
    if row is None:
        return False
    return row["version"] == record.version and row["content_hash"] == record.content_hash


def _apply(
    tx: Tx, run: _Run, record: RecordIn, judged: Rejection | Derived, device: Device | None
) -> dict[str, Any]:
    current = tx.one(_CURRENT, (record.uuid,))
    older = current is not None and record.version < current["version"]
    if _same(current, record) or (older and _known_version(tx, record)):
        return _result(record, "duplicate")  # a retry; judged before, maybe by older rules
    if isinstance(judged, Rejection):
        return _result(record, "rejected", judged)
    if current is None:
        if _insert(tx, run, record, judged, device):
            return _result(record, "accepted")
        current = tx.one(_CURRENT, (record.uuid,))  # a concurrent batch inserted it first
        assert current is not None
        if _same(current, record):
            return _result(record, "duplicate")
    if current["entity"] != record.entity:
        return _conflict(run, record, current, "record.entity_mismatch")
    if record.version > current["version"] and record.base_version == current["version"]:
        if _update(tx, run, record, judged, current, device):
            return _result(record, "accepted")
        current = tx.one(_CURRENT, (record.uuid,))  # changed under us: compare again
        if _same(current, record):
            return _result(record, "duplicate")
        assert current is not None
    return _conflict(run, record, current, "record.conflict")


def _conflict(run: _Run, record: RecordIn, current: Row, code: str) -> dict[str, Any]:
    message = t(code, run.language, hub_version=current["version"], entity=current["entity"])
    return _result(record, "conflict", Rejection(code, None, message))


def _known_version(tx: Tx, record: RecordIn) -> bool:
    row = tx.one(
        "SELECT content_hash FROM record_versions WHERE uuid = ? AND version = ?",
        (record.uuid, record.version),
    )
    return row is not None and row["content_hash"] == record.content_hash


def _insert(tx: Tx, run: _Run, record: RecordIn, d: Derived, device: Device | None) -> bool:
    inserted = tx.execute(
        "INSERT INTO records (uuid, entity, version, content_hash, device_id, "
        "enrolled_device_id, officer_code, event_code, day, role, path, sector, monthly_due, "
        "voided, nik_digest, data, created_at, received_at, updated_at, batch_id, programs, "
        "converted, person_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (uuid) DO NOTHING",
        (
            record.uuid,
            record.entity,
            record.version,
            record.content_hash,
            run.batch.device_id,
            device.id if device else None,
            d.officer_code,
            d.event_code,
            d.day,
            d.role,
            d.path,
            d.sector,
            d.monthly_due,
            d.voided,
            d.nik_digest,
            d.data_json,
            d.created_at,
            run.received_at,
            run.received_at,
            run.batch.batch_id,
            d.programs,
            d.converted,
            d.person_digest,
        ),
    )
    if inserted != 1:
        return False
    _keep_version(tx, run, record, d)
    rollup.add(run.deltas, d.__dict__, +1)
    return True


def _update(
    tx: Tx, run: _Run, record: RecordIn, d: Derived, old: Row, device: Device | None
) -> bool:
    # Compare-and-set on the version we read: a concurrent edit makes this match nothing.
    changed = tx.execute(
        "UPDATE records SET version = ?, content_hash = ?, device_id = ?, "
        "enrolled_device_id = ?, officer_code = ?, event_code = ?, day = ?, role = ?, "
        "path = ?, sector = ?, monthly_due = ?, voided = ?, nik_digest = ?, data = ?, "
        "created_at = ?, updated_at = ?, batch_id = ?, programs = ?, converted = ?, "
        "person_digest = ? WHERE uuid = ? AND version = ?",
        (
            record.version,
            record.content_hash,
            run.batch.device_id,
            device.id if device else None,
            d.officer_code,
            d.event_code,
            d.day,
            d.role,
            d.path,
            d.sector,
            d.monthly_due,
            d.voided,
            d.nik_digest,
            d.data_json,
            d.created_at,
            run.received_at,
            run.batch.batch_id,
            d.programs,
            d.converted,
            d.person_digest,
            record.uuid,
            old["version"],
        ),
    )
    if changed != 1:
        return False
    _keep_version(tx, run, record, d)
    rollup.add(run.deltas, old, -1)
    rollup.add(run.deltas, d.__dict__, +1)
    return True


def _keep_version(tx: Tx, run: _Run, record: RecordIn, d: Derived) -> None:
    tx.execute(
        "INSERT INTO record_versions (uuid, version, content_hash, data, batch_id, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid, version) DO NOTHING",
        (
            record.uuid,
            record.version,
            record.content_hash,
            d.data_json,
            run.batch.batch_id,
            run.received_at,
        ),
    )
