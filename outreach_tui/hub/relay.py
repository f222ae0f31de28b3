"""The forwarding side of a relay: what a branch hub has not yet sent to an upper hub
(docs/SYNC_PROTOCOL.md, "Relay: a branch hub forwards upward").

Every record version the hub accepted goes up once, in the order the hub accepted them
(``batches.feed_seq``, dense and in commit order, then uuid and version), with what made
it: the laptop's data and content hash verbatim, its version and the version it edited
(``base_version``, the one before it here), the unit it was filed under, and its event's
and officer's context. Withdrawals recorded at this hub (which no version carries) follow
once the versions are all up.

``RelayOutbox`` keeps, per upper hub, a cursor (``relay_targets``) and at most one batch
in flight (``relay_outbox``): ``prepare`` writes the next batch's body there before it is
sent, so a run killed at any point resends the same bytes under the same batch id (the
upper hub replays its stored receipt); ``acknowledge`` removes it and advances the
cursor in one transaction, only with the receipt. Pages are read with SQL (``LIMIT``
after the cursor), never the whole table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from outreach_tui.domain import localtime, wire
from outreach_tui.hub.batch_origin import RELAY_PREFIX
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Row, Storage, Tx, utc_now

MAX_CONTEXT = 100  # events and officers per batch (the protocol's limit)
MAX_WITHDRAWALS = 500
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
# A page is read batch by batch in feed_seq order (the batches' unique index), each
# batch's versions by the (batch_id, uuid, version) index: never a scan of every version.
_BATCHES = "SELECT batch_id, feed_seq FROM batches WHERE feed_seq >= ? ORDER BY feed_seq LIMIT ?"
_VERSIONS = (
    "SELECT v.uuid, v.version, v.content_hash, v.data, r.entity, r.unit_code, r.day, "
    "r.officer_code, r.event_code, "
    "(SELECT MAX(p.version) FROM record_versions p WHERE p.uuid = v.uuid "
    "AND p.version < v.version) AS base_version "
    "FROM record_versions v JOIN records r ON r.uuid = v.uuid "
    "WHERE v.batch_id = ? AND (v.uuid > ? OR (v.uuid = ? AND v.version > ?)) "
    "ORDER BY v.uuid, v.version LIMIT ?"
)
BATCHES_PER_READ = 50
_LEFT = (
    "SELECT COUNT(*) AS n FROM batches b JOIN record_versions v ON v.batch_id = b.batch_id "
    "WHERE b.feed_seq IS NOT NULL AND (b.feed_seq > ? OR (b.feed_seq = ? AND "
    "(v.uuid > ? OR (v.uuid = ? AND v.version > ?))))"
)
_WITHDRAWALS = (
    "SELECT w.uuid, w.reference_no, w.requested_at, w.due_at, w.reason, w.actor "
    "FROM withdrawals w WHERE w.source = 'hub' AND NOT EXISTS (SELECT 1 FROM "
    "relay_withdrawals s WHERE s.hub_id = ? AND s.uuid = w.uuid) ORDER BY w.uuid LIMIT ?"
)
_TARGET_COLUMNS = "hub_id, url, hub_key, feed_seq, uuid, version, batches, forwarded"


@dataclass(frozen=True)
class Target:
    """An upper hub and how far this hub's versions have gone up to it."""

    hub_id: str
    url: str
    hub_key: str | None
    feed_seq: int
    uuid: str
    version: int
    batches: int
    forwarded: int

    @property
    def cursor(self) -> tuple[int, str, int]:
        return self.feed_seq, self.uuid, self.version


@dataclass(frozen=True)
class Pending:
    """One batch in flight: its body exactly as sent (and as a retry resends it)."""

    hub_id: str
    batch_id: str
    body: bytes
    record_count: int
    withdrawal_count: int
    cursor: tuple[int, str, int]

    @property
    def parsed(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value


def relay_device_id(hub_id: str) -> str:
    """The ``device_id`` of this hub's relay batches (a laptop id's format)."""
    return f"{RELAY_PREFIX}{hub_id}"[:64]


def batch_id_for(source: str, target: str, cursor: tuple[int | str, str, int], count: int) -> str:
    """A UUID (v8: custom) from what the batch covers: the same batch always has the same
    id, whoever builds it again (stored in the outbox anyway)."""
    seed = f"relay|{source}|{target}|{cursor[0]}|{cursor[1]}|{cursor[2]}|{count}".encode()
    raw = bytearray(hashlib.sha256(seed).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def zone_of_day(created_at: str, day: str) -> str | None:
    """The zone in which ``created_at`` falls on ``day`` (how this hub filed the record):
    the upper hub is told it, so it files the record under the same day."""
    moment = wire.parse_instant(created_at)
    if moment is None:
        return None
    for name in ZONES:
        if moment.astimezone(localtime.zone(name)).date().isoformat() == day:
            return name
    return None


class RelayOutbox:
    """The relay's state in this hub's database, for one upper hub at a time."""

    def __init__(self, storage: Storage, info: HubInfo) -> None:
        self.storage = storage
        self.info = info

    # -- the target ------------------------------------------------------------------

    def target(self, hub_id: str, url: str, hub_key: str | None) -> Target:
        """The cursor row of ``hub_id``, made at the first run (pinning ``hub_key``)."""
        if hub_id == self.info.hub_id:
            raise HubError("relay.same_hub", 422, field="to")

        def work(tx: Tx) -> Target:
            tx.execute(
                "INSERT INTO relay_targets (hub_id, url, hub_key, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (hub_id) DO NOTHING",
                (hub_id, url, hub_key, utc_now()),
            )
            tx.execute(
                "UPDATE relay_targets SET url = ?, hub_key = COALESCE(hub_key, ?) WHERE hub_id = ?",
                (url, hub_key, hub_id),
            )
            return _target(tx, hub_id)

        return self.storage.write(work)

    def start_over(self, hub_id: str) -> None:
        """Forward everything again from the first version (``--from-start``): what the
        upper hub holds comes back ``duplicate``, what it refused before is tried again.
        A batch in flight is dropped: if the upper hub stored it, its records are
        duplicates now too."""

        def work(tx: Tx) -> None:
            tx.execute("DELETE FROM relay_outbox WHERE hub_id = ?", (hub_id,))
            tx.execute("DELETE FROM relay_withdrawals WHERE hub_id = ?", (hub_id,))
            tx.execute("UPDATE relay_targets SET feed_seq = 0, uuid = '', version = 0, "
                       "updated_at = ? WHERE hub_id = ?", (utc_now(), hub_id))  # fmt: skip

        self.storage.write(work)

    def status(self, hub_id: str) -> Target | None:
        with self.storage.read() as tx:
            row = tx.one(f"SELECT {_TARGET_COLUMNS} FROM relay_targets WHERE hub_id = ?",
                         (hub_id,))  # fmt: skip
        return Target(**row) if row else None

    def remaining(self, hub_id: str) -> int:
        """Versions not yet forwarded (for the progress bar), withdrawals aside."""
        with self.storage.read() as tx:
            cursor = _target(tx, hub_id).cursor
            return int(tx.scalar(_LEFT, _cursor_params(cursor)) or 0)

    # -- the batch in flight ---------------------------------------------------------

    def pending(self, hub_id: str) -> Pending | None:
        with self.storage.read() as tx:
            return _pending(tx, hub_id)

    def prepare(self, hub_id: str, *, max_records: int, max_bytes: int) -> Pending | None:
        """The batch in flight, or the next one written to the outbox; None when every
        version and withdrawal has gone up."""

        def work(tx: Tx) -> Pending | None:
            held = _pending(tx, hub_id)
            if held is not None:
                return held
            cursor = _target(tx, hub_id).cursor
            body, to, count, withdrawn = self._next_body(tx, hub_id, cursor, max_records,
                                                         max_bytes)  # fmt: skip
            if body is None:
                return None
            encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            tx.execute(
                "INSERT INTO relay_outbox (hub_id, batch_id, body, record_count, "
                "withdrawal_count, to_feed_seq, to_uuid, to_version, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (hub_id, body["batch_id"], encoded, count, withdrawn, *to, utc_now()),
            )
            return _pending(tx, hub_id)

        return self.storage.write(work)

    def discard(self, pending: Pending) -> None:
        """Drop a batch the upper hub refused whole without storing it (413: too large),
        so the next ``prepare`` builds it again within smaller limits."""
        self.storage.write(lambda tx: tx.execute(
            "DELETE FROM relay_outbox WHERE hub_id = ? AND batch_id = ?",
            (pending.hub_id, pending.batch_id)))  # fmt: skip

    def acknowledge(self, pending: Pending, receipt: dict[str, Any]) -> dict[str, int]:
        """The receipt is in: drop the batch, advance the cursor, note the withdrawals
        sent; the receipt's per-record outcomes, counted."""
        counts = {o: 0 for o in ("accepted", "duplicate", "conflict", "rejected")}
        for result in receipt.get("results") or []:
            counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
        withdrawals = [w["uuid"] for w in pending.parsed.get("withdrawals") or []]

        def work(tx: Tx) -> None:
            gone = tx.execute("DELETE FROM relay_outbox WHERE hub_id = ? AND batch_id = ?",
                              (pending.hub_id, pending.batch_id))  # fmt: skip
            if gone != 1:
                return  # acknowledged already (another run): nothing to advance twice
            tx.execute(
                "UPDATE relay_targets SET feed_seq = ?, uuid = ?, version = ?, "
                "batches = batches + 1, forwarded = forwarded + ?, updated_at = ? "
                "WHERE hub_id = ?",
                (*pending.cursor, pending.record_count, utc_now(), pending.hub_id),
            )
            if withdrawals:
                tx.executemany(
                    "INSERT INTO relay_withdrawals (hub_id, uuid, batch_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (hub_id, uuid) DO NOTHING",
                    [(pending.hub_id, uuid, pending.batch_id) for uuid in withdrawals],
                )

        self.storage.write(work)
        return counts

    # -- building a batch ------------------------------------------------------------

    def _next_body(
        self, tx: Tx, hub_id: str, cursor: tuple[int, str, int], max_records: int,
        max_bytes: int,
    ) -> tuple[dict[str, Any] | None, tuple[int, str, int], int, int]:  # fmt: skip
        page = _Page(max_bytes)
        _fill(tx, page, cursor, max_records)
        if page.records:
            to = page.last
            body = self._body(tx, hub_id, cursor, to, page)
            return body, to, len(page.records), 0
        withdrawals = [
            {k: v for k, v in row.items() if v is not None}
            for row in tx.all(_WITHDRAWALS, (hub_id, MAX_WITHDRAWALS))
        ]
        if not withdrawals:
            return None, cursor, 0, 0
        body = self._body(tx, hub_id, cursor, cursor, page, withdrawals=withdrawals)
        return body, cursor, 0, len(withdrawals)

    def _body(
        self, tx: Tx, hub_id: str, start: tuple[int, str, int], to: tuple[int, str, int],
        page: _Page, *, withdrawals: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        key = (f"w:{withdrawals[0]['uuid']}:{len(withdrawals)}", "", 0) if withdrawals else to
        events = _rows(tx, "events", wire.EVENT_FIELDS, sorted(page.zones))
        for event in events:
            event["time_zone"] = page.zones.get(event["code"])
        officers = _rows(tx, "officers", ("code", "name", "branch_code"), sorted(page.officers))
        body: dict[str, Any] = {
            "batch_id": batch_id_for(self.info.hub_id, hub_id, key, len(page.records)),
            "device_id": relay_device_id(self.info.hub_id),
            "seq_from": max(0, start[0]),
            "seq_to": max(0, to[0], start[0]),
            "records": page.records,
            "events": events,
            "officer": None,
            "officers": officers,
        }
        if page.default_zone is not None:
            # Records without an event are filed by the batch's officer zone.
            body["officer"] = {"code": page.default_officer, "time_zone": page.default_zone}
        if withdrawals:
            body["withdrawals"] = withdrawals
        return body


class _Page:
    """The records of one batch, cut where the protocol's limits would be passed: bytes,
    100 events or officers, an event (or the event-less records) in two zones."""

    def __init__(self, max_bytes: int) -> None:
        self.budget = max(10_000, max_bytes - 64_000)  # room for the context and framing
        self.records: list[dict[str, Any]] = []
        self.zones: dict[str, str | None] = {}
        self.officers: set[str] = set()
        self.default_zone: str | None = None
        self.default_officer: str | None = None
        self.last: tuple[int, str, int] = (0, "", 0)

    def take(self, row: Row) -> bool:
        data = json.loads(row["data"])
        zone = zone_of_day(str(data.get("created_at")), row["day"])
        event, officer = row["event_code"] or "", row["officer_code"]
        size = len(row["data"]) + 300
        if self.records and (
            size > self.budget
            or (event and event not in self.zones and len(self.zones) >= MAX_CONTEXT)
            or (officer not in self.officers and len(self.officers) >= MAX_CONTEXT)
            or (event and event in self.zones and self.zones[event] != zone)
            or (not event and self.default_officer is not None and self.default_zone != zone)
        ):
            return False
        self.budget -= size
        if event:
            self.zones.setdefault(event, zone)
        elif self.default_officer is None and zone is not None:
            self.default_officer, self.default_zone = officer, zone
        self.officers.add(officer)
        record = {
            "entity": row["entity"], "uuid": row["uuid"], "version": int(row["version"]),
            "base_version": None if row["base_version"] is None else int(row["base_version"]),
            "content_hash": row["content_hash"], "data": data,
        }  # fmt: skip
        if row["unit_code"]:
            record["unit_code"] = row["unit_code"]
        self.records.append(record)
        self.last = (int(row["feed_seq"]), row["uuid"], int(row["version"]))
        return True


def _fill(tx: Tx, page: _Page, cursor: tuple[int, str, int], max_records: int) -> None:
    """Up to ``max_records`` versions after ``cursor`` into ``page``, until it is full."""
    seq, uuid, version = cursor
    while True:
        batches = tx.all(_BATCHES, (seq, BATCHES_PER_READ))
        for b in batches:
            feed_seq = int(b["feed_seq"])
            after = (uuid, version) if feed_seq == cursor[0] else ("", 0)
            wanted = max_records - len(page.records)
            for row in tx.all(_VERSIONS, (b["batch_id"], after[0], after[0], after[1], wanted)):
                if len(page.records) >= max_records or not page.take({**row, "feed_seq": feed_seq}):
                    return
            if len(page.records) >= max_records:
                return
        if len(batches) < BATCHES_PER_READ:
            return
        seq = int(batches[-1]["feed_seq"]) + 1


def _rows(tx: Tx, table: str, columns: tuple[str, ...], codes: list[str]) -> list[dict[str, Any]]:
    if not codes:
        return []
    marks = ", ".join("?" * len(codes))
    rows = tx.all(f"SELECT {', '.join(columns)} FROM {table} WHERE code IN ({marks}) "
                  "ORDER BY code", codes)  # fmt: skip
    return [{k: v for k, v in row.items() if v is not None} for row in rows]


def _cursor_params(cursor: tuple[int, str, int]) -> tuple[Any, ...]:
    feed_seq, uuid, version = cursor
    return feed_seq, feed_seq, uuid, uuid, version


def _target(tx: Tx, hub_id: str) -> Target:
    row = tx.one(f"SELECT {_TARGET_COLUMNS} FROM relay_targets WHERE hub_id = ?", (hub_id,))
    if row is None:
        raise HubError("relay.unknown_target", 404, field="to")
    return Target(**{**row, "feed_seq": int(row["feed_seq"]), "version": int(row["version"])})


def _pending(tx: Tx, hub_id: str) -> Pending | None:
    row = tx.one(
        "SELECT hub_id, batch_id, body, record_count, withdrawal_count, to_feed_seq, "
        "to_uuid, to_version FROM relay_outbox WHERE hub_id = ?",
        (hub_id,),
    )
    if row is None:
        return None
    return Pending(
        hub_id=row["hub_id"], batch_id=row["batch_id"], body=row["body"].encode(),
        record_count=int(row["record_count"]), withdrawal_count=int(row["withdrawal_count"]),
        cursor=(int(row["to_feed_seq"]), row["to_uuid"], int(row["to_version"])),
    )  # fmt: skip
