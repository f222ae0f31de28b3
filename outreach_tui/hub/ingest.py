"""A batch in, a receipt out: one transaction, per-record outcomes (SYNC_PROTOCOL.md §2).

The same code serves ``POST /api/v1/batches`` and ``outreach hub import``. Locks are
taken in one order (batch row, officer, events by code, records by uuid — edits, then new
records —, rollups by key, the feed counter, the device row) so concurrent batches on
PostgreSQL rarely wait on each other in a cycle (a deadlock is rerun by
``Storage.write``); uniqueness comes from primary keys, never from check-then-insert.
Records are looked up and inserted set-based: a few statements per batch, not per record.

A relay token (another hub forwarding upward, docs/SYNC_PROTOCOL.md "Relay") pushes records
made by any laptop: each keeps its own laptop id (its data's ``device_id``), the batch's
``device_id`` names the forwarding hub, and no laptop binding is checked or made.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson

from outreach_tui.domain import wire
from outreach_tui.hub import audit, case_queue, rollup, units, withdrawals
from outreach_tui.hub.auth import Device
from outreach_tui.hub.batch_context import upsert_context
from outreach_tui.hub.batch_origin import check_origin, refuse_tampered, unit_of
from outreach_tui.hub.batches import batch_digest, record_zones, zone_of
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.evaluate import HASH_MISMATCH, Derived, Rejection, evaluate
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Row, Storage, Tx, utc_now
from outreach_tui.i18n import t
from outreach_tui.protocol.requests import BatchIn, RecordIn

_CURRENT_COLUMNS = (
    "uuid, entity, version, content_hash, device_id, officer_code, event_code, day, role, "
    "path, sector, monthly_due, voided, programs, converted, unit_code, nik_digest, "
    "person_digest"
)
_CURRENT = f"SELECT {_CURRENT_COLUMNS} FROM records WHERE uuid = ?"
RECORD_COLUMNS = (
    "uuid", "entity", "version", "content_hash", "device_id", "enrolled_device_id",
    "officer_code", "event_code", "day", "role", "path", "sector", "monthly_due", "voided",
    "nik_digest", "data", "created_at", "received_at", "updated_at", "batch_id", "programs",
    "converted", "person_digest", "unit_code", "name_key",
)  # fmt: skip
_INSERT_RECORD = (
    f"INSERT INTO records ({', '.join(RECORD_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(RECORD_COLUMNS))}) ON CONFLICT (uuid) DO NOTHING"
)
_INSERT_VERSION = (
    "INSERT INTO record_versions (uuid, version, content_hash, data, batch_id, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uuid, version) DO NOTHING"
)
CHUNK = 500  # uuids per IN (...) list: well under either engine's parameter limit


class _BatchExists(Exception):
    """Another request stored this batch_id first: answer from its stored receipt."""


def stored_receipt(storage: Storage, batch_id: str, digest: str) -> dict[str, Any] | None:
    """The receipt of a batch seen before (replayed), 409 if the id came with other content."""
    with storage.read() as tx:
        return _stored_receipt(tx, batch_id, digest)


def _stored_receipt(tx: Tx, batch_id: str, digest: str) -> dict[str, Any] | None:
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
    judged: list[Rejection | Derived]
    device: Device | None
    foreign: frozenset[int] = frozenset()  # records whose data names another laptop
    deltas: rollup.Deltas = field(default_factory=lambda: defaultdict(rollup.empty))
    touched: case_queue.Touched = field(default_factory=case_queue.Touched)  # duplicate groups
    unit_code: str = ""  # where new records belong: the pushing token's unit (issue 17)
    scope: frozenset[str] | None = None  # a relay's: the units its records may name

    @property
    def relay(self) -> bool:
        return self.device is not None and self.device.role == "relay"

    def laptop_of(self, record: RecordIn) -> str:
        """The laptop that made ``record``: the batch's, or for a relay the record's own
        (its data was judged valid, so its ``device_id`` is a laptop id)."""
        return str(record.data["device_id"]) if self.relay else self.batch.device_id

    def unit_for(self, record: RecordIn) -> str:
        """A new record's unit: the token's, or the unit a relay filed it under when that
        is inside the relay's unit (a sub-branch of the forwarding branch)."""
        code = record.unit_code
        if self.relay and code and self.scope is not None and code in self.scope:
            return code
        return self.unit_code


def ingest_batch(
    storage: Storage,
    hub: HubInfo,
    batch: BatchIn,
    *,
    device: Device | None,
    signer: str | None = None,
    source: str = "api",
    language: str = "id",
) -> dict[str, Any]:
    """Apply ``batch`` once; a repeat returns the stored receipt with ``replayed: true``.

    ``device`` is the token's device, ``signer`` (for ``outreach hub import``) the public
    key that signed the bundle: the batch's laptop id must be bound to it (``binding``;
    403 otherwise, nothing written), checked before a replay too.
    """
    if device is None and signer is None:
        raise ValueError("a batch comes from a device or a signed bundle")
    canonical = [wire.canonical_json(record.data) for record in batch.records]
    if source == "import":
        refuse_tampered(batch, canonical)
    digest = batch_digest(batch, canonical)
    relay = device is not None and device.role == "relay"
    with storage.read() as tx:
        check_origin(tx, batch, device, signer, claim=False)
        known = _stored_receipt(tx, batch.batch_id, digest)
    if known is not None:
        return known
    zones, default_zone = record_zones(batch)
    judged = [
        evaluate(record, hub, language, canonical=data,
                 zone_name=zone_of(record, zones, default_zone))
        for record, data in zip(batch.records, canonical, strict=True)
    ]  # fmt: skip

    foreign = frozenset() if relay else frozenset(
        i for i, record in enumerate(batch.records)
        if record.data.get("device_id") != batch.device_id
    )  # fmt: skip

    def work(tx: Tx) -> dict[str, Any]:
        run = _Run(batch, hub, language, utc_now(), judged, device, foreign)
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
        check_origin(tx, batch, device, signer, claim=True)  # again, under the write lock
        run.unit_code = unit_of(tx, batch, device)
        if run.relay:
            assert device is not None
            run.scope = units.scope_of(tx, device.unit_code)
        upsert_context(tx, batch, run.received_at, relay=run.relay)
        outcomes = _apply_all(tx, run)
        rollup.apply(tx, run.deltas)
        results = [outcomes[i] for i in range(len(batch.records))]
        receipt: dict[str, Any] = {
            "batch_id": batch.batch_id,
            "hub_id": hub.hub_id,
            "received_at": run.received_at,
            "replayed": False,
            "results": results,
        }
        if batch.withdrawals:
            receipt["withdrawals"] = _relayed_withdrawals(tx, run)
        case_queue.refresh(tx, run.touched)  # after the rollups, before the feed counter
        accepted = sum(r["outcome"] == "accepted" for r in results)
        feed_seq = next_feed_seq(tx) if accepted else None
        tx.execute(
            "UPDATE batches SET receipt = ?, feed_seq = ? WHERE batch_id = ?",
            (orjson.dumps(receipt).decode(), feed_seq, batch.batch_id),
        )
        if device is not None:
            tx.execute(
                "UPDATE devices SET last_sync_at = ? WHERE id = ?", (run.received_at, device.id)
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


def _foreign(run: _Run, record: RecordIn) -> dict[str, Any]:
    message = t("record.device_mismatch", run.language)
    return _result(record, "rejected", Rejection("record.device_mismatch", "device_id", message))


def _lock_key(record: RecordIn) -> tuple[str, int]:
    return record.uuid, record.version


def next_feed_seq(tx: Tx) -> int:
    """The next downlink cursor value; call last in a transaction (held until commit)."""
    row = tx.one("UPDATE counters SET value = value + 1 WHERE name = 'feed' RETURNING value")
    assert row is not None
    return int(row["value"])


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
    return bool(row["version"] == record.version and row["content_hash"] == record.content_hash)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _apply_all(tx: Tx, run: _Run) -> dict[int, dict[str, Any]]:
    """Every record's outcome, set-based: one look-up of what the hub holds, then the new
    records in one ``executemany`` (their history in another); edits one by one."""
    records = run.batch.records
    order = sorted(range(len(records)), key=lambda i: _lock_key(records[i]))
    if len({r.uuid for r in records}) != len(records):
        # One uuid twice in a batch (never from our client): record by record, so each
        # sees what the one before it wrote.
        return {
            i: _foreign(run, records[i]) if i in run.foreign
            else _apply(tx, run, records[i], run.judged[i])
            for i in order
        }  # fmt: skip
    held: dict[str, Row] = {}
    for chunk in _chunks([records[i].uuid for i in order]):
        marks = ", ".join("?" * len(chunk))
        for row in tx.all(f"SELECT {_CURRENT_COLUMNS} FROM records WHERE uuid IN ({marks})", chunk):
            held[row["uuid"]] = row
    older = [r for r in records if r.uuid in held and r.version < held[r.uuid]["version"]]
    kept = _kept_versions(tx, older)
    outcomes: dict[int, dict[str, Any]] = {}
    fresh: list[tuple[int, Derived]] = []
    for i in order:
        record, judged, current = records[i], run.judged[i], held.get(records[i].uuid)
        if i in run.foreign:
            # A record names the laptop that made it; another laptop cannot carry it, not
            # even as a retry (SYNC_PROTOCOL.md §2).
            outcomes[i] = _foreign(run, record)
        elif isinstance(judged, Rejection) and judged.code == HASH_MISMATCH:
            # Checked first: a stale hash would otherwise pass for a retry of what it names.
            outcomes[i] = _result(record, "rejected", judged)
        elif _same(current, record) or kept.get((record.uuid, record.version)) == (
            record.content_hash
        ):
            outcomes[i] = _result(record, "duplicate")  # a retry; maybe judged by older rules
        elif isinstance(judged, Rejection):
            outcomes[i] = _result(record, "rejected", judged)
        elif current is None:
            fresh.append((i, judged))
        else:
            outcomes[i] = _against(tx, run, record, judged, current)
    inserted = _insert(tx, run, [(records[i], derived) for i, derived in fresh])
    for i, derived in fresh:
        record = records[i]
        if record.uuid in inserted:
            outcomes[i] = _result(record, "accepted")
            continue
        current = tx.one(_CURRENT, (record.uuid,))  # a concurrent batch inserted it first
        assert current is not None
        if _same(current, record):
            outcomes[i] = _result(record, "duplicate")
        else:
            outcomes[i] = _against(tx, run, record, derived, current)
    return outcomes


def _kept_versions(tx: Tx, records: list[RecordIn]) -> dict[tuple[str, int], str]:
    """(uuid, version) -> content_hash of the older versions the hub kept, for ``records``."""
    wanted = {(r.uuid, r.version) for r in records}
    kept: dict[tuple[str, int], str] = {}
    for chunk in _chunks(sorted({r.uuid for r in records})):
        marks = ", ".join("?" * len(chunk))
        for row in tx.all(
            f"SELECT uuid, version, content_hash FROM record_versions WHERE uuid IN ({marks})",
            chunk,
        ):
            if (row["uuid"], row["version"]) in wanted:
                kept[(row["uuid"], row["version"])] = row["content_hash"]
    return kept


def _apply(tx: Tx, run: _Run, record: RecordIn, judged: Rejection | Derived) -> dict[str, Any]:
    """One record on its own (a batch that names a uuid twice)."""
    if isinstance(judged, Rejection) and judged.code == HASH_MISMATCH:
        return _result(record, "rejected", judged)  # before the retry check, as in _apply_all
    current = tx.one(_CURRENT, (record.uuid,))
    older = current is not None and record.version < current["version"]
    kept = _kept_versions(tx, [record]) if older else {}
    if _same(current, record) or kept.get((record.uuid, record.version)) == record.content_hash:
        return _result(record, "duplicate")  # a retry; judged before, maybe by older rules
    if isinstance(judged, Rejection):
        return _result(record, "rejected", judged)
    if current is None:
        if _insert(tx, run, [(record, judged)]):
            return _result(record, "accepted")
        current = tx.one(_CURRENT, (record.uuid,))  # a concurrent batch inserted it first
        assert current is not None
        if _same(current, record):
            return _result(record, "duplicate")
    return _against(tx, run, record, judged, current)


def _against(tx: Tx, run: _Run, record: RecordIn, judged: Derived, current: Row) -> dict[str, Any]:
    """A valid record whose uuid the hub holds with other content: an edit, or a conflict."""
    if current["entity"] != record.entity:
        return _conflict(run, record, current, "record.entity_mismatch")
    if current["device_id"] != run.laptop_of(record) or (
        run.relay and not units.visible(run.scope, current["unit_code"])
    ):
        # Only the laptop that made a record may change it (SYNC_PROTOCOL.md §2); a relay
        # only within its unit.
        return _conflict(run, record, current, "record.not_yours")
    if record.version > current["version"] and record.base_version == current["version"]:
        if _update(tx, run, record, judged, current):
            return _result(record, "accepted")
        again = tx.one(_CURRENT, (record.uuid,))  # changed under us: compare again
        assert again is not None
        current = again
        if _same(current, record):
            return _result(record, "duplicate")
    return _conflict(run, record, current, "record.conflict")


def _conflict(run: _Run, record: RecordIn, current: Row, code: str) -> dict[str, Any]:
    message = t(code, run.language, hub_version=current["version"], entity=current["entity"])
    return _result(record, "conflict", Rejection(code, None, message))


def _row(run: _Run, record: RecordIn, d: Derived) -> tuple[Any, ...]:
    """A ``records`` row, in ``RECORD_COLUMNS`` order."""
    return (
        record.uuid,
        record.entity,
        record.version,
        record.content_hash,
        run.laptop_of(record),
        run.device.id if run.device else None,
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
        run.unit_for(record),
        d.name_key,
    )


def _insert(tx: Tx, run: _Run, new: list[tuple[RecordIn, Derived]]) -> set[str]:
    """Insert ``new`` (uuid order, distinct uuids); the uuids that went in.

    ``ON CONFLICT DO NOTHING`` leaves a uuid a concurrent batch inserted first (only
    possible on PostgreSQL: SQLite's writer holds the file); the caller judges those again.
    """
    if not new:
        return set()
    added = tx.executemany(_INSERT_RECORD, [_row(run, record, d) for record, d in new])
    if added == len(new):
        ours = new
    else:
        mine: set[str] = set()
        for chunk in _chunks([record.uuid for record, _ in new]):
            marks = ", ".join("?" * len(chunk))
            mine.update(
                row["uuid"]
                for row in tx.all(
                    f"SELECT uuid FROM records WHERE batch_id = ? AND uuid IN ({marks})",
                    (run.batch.batch_id, *chunk),
                )
            )
        ours = [(record, d) for record, d in new if record.uuid in mine]
    _keep_versions(tx, run, ours)
    for record, d in ours:
        rollup.add(run.deltas, {**d.__dict__, "unit_code": run.unit_for(record)}, +1)
        run.touched.add(d.nik_digest, d.person_digest)
    return {record.uuid for record, _ in ours}


def _update(tx: Tx, run: _Run, record: RecordIn, d: Derived, old: Row) -> bool:
    # Compare-and-set on the version we read: a concurrent edit makes this match nothing.
    values = dict(zip(RECORD_COLUMNS, _row(run, record, d), strict=True))
    # A record stays in the unit it was first pushed into (an officer who moves branch
    # takes a new token; the corrections of old records still count where they were made).
    columns = [c for c in RECORD_COLUMNS if c not in ("uuid", "entity", "received_at", "unit_code")]
    changed = tx.execute(
        f"UPDATE records SET {', '.join(f'{c} = ?' for c in columns)} "
        "WHERE uuid = ? AND version = ?",
        (*(values[c] for c in columns), record.uuid, old["version"]),
    )
    if changed != 1:
        return False
    _keep_versions(tx, run, [(record, d)])
    rollup.add(run.deltas, old, -1)
    rollup.add(run.deltas, {**d.__dict__, "unit_code": old["unit_code"]}, +1)
    run.touched.add(old["nik_digest"], old["person_digest"])  # the groups it may leave
    run.touched.add(d.nik_digest, d.person_digest)
    return True


def _keep_versions(tx: Tx, run: _Run, kept: list[tuple[RecordIn, Derived]]) -> None:
    if kept:
        withdrawals.note_from_laptops(tx, (r for r, _ in kept))  # UU 27/2022: stop processing
        tx.executemany(
            _INSERT_VERSION,
            [
                (r.uuid, r.version, r.content_hash, d.data_json, run.batch.batch_id,
                 run.received_at)
                for r, d in kept
            ],
        )  # fmt: skip


def _relayed_withdrawals(tx: Tx, run: _Run) -> list[dict[str, Any]]:
    """A relay's hub-recorded withdrawals, each ``accepted`` (noted now), ``duplicate``
    (the hub knew it) or ``rejected`` (no such record here, or outside the relay's unit:
    a relay cannot stop the processing of another unit's records)."""
    if not run.relay:
        return [{"uuid": w.uuid, "outcome": "rejected", "code": "auth.forbidden"}
                for w in run.batch.withdrawals]  # fmt: skip
    out: list[dict[str, Any]] = []
    for w in sorted({w.uuid: w for w in run.batch.withdrawals}.values(), key=lambda w: w.uuid):
        held = tx.one("SELECT unit_code, nik_digest, person_digest FROM records WHERE uuid = ?",
                      (w.uuid,))  # fmt: skip
        if held is None or not units.visible(run.scope, held["unit_code"]):
            out.append({"uuid": w.uuid, "outcome": "rejected", "code": "review.unknown_record"})
            continue
        added = tx.execute(
            withdrawals.INSERT,
            (w.uuid, w.reference_no, w.requested_at, w.due_at, w.reason, "hub", w.actor,
             run.received_at),
        )  # fmt: skip
        if added:
            run.touched.add(held["nik_digest"], held["person_digest"])
            audit.append(tx, "consent.withdraw", actor=w.actor, uuid=w.uuid,
                         reference_no=w.reference_no, source="relay", due_at=w.due_at)  # fmt: skip
        out.append({"uuid": w.uuid, "outcome": "accepted" if added else "duplicate", "code": None})
    return out
