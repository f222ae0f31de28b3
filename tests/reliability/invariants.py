"""The invariants the reliability suite checks, written once and independent of the code
under test where it matters: "the laptop and the hub agree, nothing lost, nothing doubled"
and "every acknowledged save survived the crash".

Both checkers collect every problem they find and then raise one
:class:`InvariantViolation` (an ``AssertionError``) whose message names each problem: a
code, the record's uuid and what disagrees. Tests call them after every fault; the test
``test_invariants_fail_loudly.py`` breaks good fixtures on purpose to prove that each
kind of damage is caught and named.

The checkers read both databases directly (sqlite3 for the laptop, the hub's ``Storage``
for SQLite or PostgreSQL). They use only the protocol's own definitions (``domain.wire``:
which fields travel and how the content hash is computed) and recompute everything else
themselves: digests, rollups, which version the hub must hold.

Problem codes (the first word of each line of the message):

laptop side
    ``unopenable``        (crash) the booth cannot open the file again
    ``laptop_integrity``  ``PRAGMA integrity_check`` / ``foreign_key_check`` not clean
    ``lost_save``         an acknowledged save (crash test) is not in the file
    ``orphan_worker``     a worker row whose owner row is missing
    ``seq_broken``        change counter behind the rows, or a seq used twice
    ``audit_mismatch``    a save's audit entry does not list exactly its workers
    ``still_waiting``     (settled) a record still pending or uploading
    ``open_batch``        (settled) a batch written but never acknowledged
between laptop and hub
    ``lost``              the laptop believes the hub holds a version the hub lacks
    ``version_mismatch``  the hub holds another version than the laptop believes
    ``content_mismatch``  same version, different content hash
    ``unexpected``        the hub holds a record the laptop says it never got through
    ``unknown_on_hub``    the hub holds, for this laptop's device id, a uuid the laptop
                          never made (a record doubled under a new uuid, or spoofed)
    ``count_mismatch``    totals differ (summary of the per-record problems)
    ``digest_mismatch``   a day's reconciliation digest differs (what the officer sees)
    ``batch_unacked``     (settled) the hub stored a batch the laptop never recorded
    ``batch_unknown_to_hub``  the laptop acknowledged a batch the hub does not have
hub side
    ``duplicate_row``     one uuid stored more than once in ``records``
    ``duplicate_version`` one (uuid, version) stored more than once in ``record_versions``
    ``duplicate_content`` the same content under two uuids from one laptop
    ``hash_mismatch_on_hub``  a stored record's data no longer matches its content hash
    ``missing_history``   a current record without its row in ``record_versions``
    ``rollup_mismatch``   a daily rollup row differs from a recount of ``records``
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from outreach_tui.domain import wire
from outreach_tui.hub.storage import Storage

ZONE = ZoneInfo("Asia/Jakarta")  # the day a record counts for (SYNC_PROTOCOL.md §4)
TABLES = {"registration": "registrations", "lead": "leads"}
ACKED = ("synced", "duplicate")
WAITING = ("pending", "uploading")
MAX_LISTED = 40


@dataclass(frozen=True)
class Problem:
    code: str
    uuid: str | None
    detail: str

    def __str__(self) -> str:
        where = f" {self.uuid}" if self.uuid else ""
        return f"{self.code}{where}: {self.detail}"


class InvariantViolation(AssertionError):
    """Raised with every problem found; the message lists them (codes, uuids, details)."""

    def __init__(self, problems: list[Problem], context: str = "") -> None:
        self.problems = problems
        heading = f"{len(problems)} invariant violation(s)" + (f" [{context}]" if context else "")
        lines = [f"  - {p}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"  … and {len(problems) - MAX_LISTED} more")
        super().__init__("\n".join([heading + ":", *lines]))

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


def _raise_if(problems: list[Problem], context: str) -> None:
    if problems:
        raise InvariantViolation(problems, context)


# -- the laptop ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LaptopRecord:
    entity: str
    uuid: str
    version: int
    base_version: int | None
    sync_state: str
    day: str
    content_hash: str  # of the current version's wire data
    hub_hash: str | None  # of the version the hub should hold (None: should hold none)
    hub_version: int | None
    versions: dict[int, str]  # content hash of every version this laptop made (history too)


@dataclass
class LaptopState:
    device_id: str
    records: dict[str, LaptopRecord]
    open_batches: list[str]
    acked_batches: set[str]
    integrity: list[str]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def _local_day(created_at: str) -> str:
    return datetime.fromisoformat(created_at).astimezone(ZONE).date().isoformat()


def _wire_hash(entity: str, row: Mapping[str, Any], event_code: str | None) -> str:
    make = wire.registration_data if entity == "registration" else wire.lead_data
    return wire.content_hash(make(dict(row), event_code=event_code))


def read_laptop(path: Path) -> LaptopState:
    conn = _connect(path)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        integrity += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
        device_id = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()[0]
        events = {r["id"]: r["code"] for r in conn.execute("SELECT id, code FROM events")}
        history = {
            (r["entity"], r["uuid"], r["version"]): json.loads(r["data"])
            for r in conn.execute("SELECT entity, uuid, version, data FROM record_history")
        }
        records: dict[str, LaptopRecord] = {}
        for entity, table in TABLES.items():
            for row in conn.execute(f"SELECT * FROM {table}"):
                records[row["uuid"]] = _laptop_record(entity, dict(row), events, history)
        batches = conn.execute("SELECT batch_id, status FROM sync_batches").fetchall()
    finally:
        conn.close()
    return LaptopState(
        device_id=device_id,
        records=records,
        open_batches=[b["batch_id"] for b in batches if b["status"] == "open"],
        acked_batches={b["batch_id"] for b in batches if b["status"] == "acked"},
        integrity=integrity,
    )


def _laptop_record(
    entity: str,
    row: dict[str, Any],
    events: Mapping[str, str],
    history: Mapping[tuple[str, str, int], dict[str, Any]],
) -> LaptopRecord:
    """Which version (and content) the hub must hold, from the sync state alone."""
    event_code = events.get(row["event_id"]) if row["event_id"] else None
    current = _wire_hash(entity, row, event_code)
    hub_version: int | None
    if row["sync_state"] in ACKED:
        hub_version, hub_hash = row["version"], current
    elif row["base_version"] is not None:  # edited (or refused) after an earlier ack
        hub_version = row["base_version"]
        old = history.get((entity, row["uuid"], hub_version))
        old_event = events.get(old["event_id"]) if old and old.get("event_id") else None
        hub_hash = _wire_hash(entity, old, old_event) if old else None
    else:
        hub_version, hub_hash = None, None
    versions = {row["version"]: current}
    for version in range(1, row["version"]):
        old_row = history.get((entity, row["uuid"], version))
        if old_row is not None:
            old_code = events.get(old_row["event_id"]) if old_row.get("event_id") else None
            versions[version] = _wire_hash(entity, old_row, old_code)
    return LaptopRecord(
        entity=entity,
        uuid=row["uuid"],
        version=row["version"],
        base_version=row["base_version"],
        sync_state=row["sync_state"],
        day=_local_day(row["created_at"]),
        content_hash=current,
        hub_hash=hub_hash,
        hub_version=hub_version,
        versions=versions,
    )


# -- the hub ------------------------------------------------------------------------------


@dataclass
class HubState:
    rows: list[dict[str, Any]]  # records rows from this laptop (duplicates kept)
    versions: list[tuple[str, int, str]]  # record_versions of those uuids
    batches: list[str]  # batch ids from this laptop (client_device_id)
    rollup_problems: list[Problem] = field(default_factory=list)


def read_hub(storage: Storage, device_id: str, *, check_rollups: bool = True) -> HubState:
    with storage.read() as tx:
        rows = tx.all(
            "SELECT uuid, entity, version, content_hash, data, created_at, day FROM records "
            "WHERE device_id = ?",
            (device_id,),
        )
        versions = [
            (str(r["uuid"]), int(r["version"]), str(r["content_hash"]))
            for r in tx.all(
                "SELECT v.uuid, v.version, v.content_hash FROM record_versions v "
                "WHERE v.uuid IN (SELECT uuid FROM records WHERE device_id = ?)",
                (device_id,),
            )
        ]
        batches = [
            str(r["batch_id"])
            for r in tx.all(
                "SELECT batch_id FROM batches WHERE client_device_id = ? AND source = 'api'",
                (device_id,),
            )
        ]
        rollups = _rollup_problems(tx) if check_rollups else []
    return HubState(rows=rows, versions=versions, batches=batches, rollup_problems=rollups)


ROLLUP_KEY = ("day", "event_code", "officer_code", "sector", "path", "role")
ROLLUP_COUNTS = ("registrations", "workers", "leads", "voided", "monthly_due")


def _rollup_problems(tx: Any) -> list[Problem]:
    """Every daily rollup row against a recount of ``records`` (the whole hub)."""
    counted: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(ROLLUP_COUNTS))
    for r in tx.stream(f"SELECT {', '.join(ROLLUP_KEY)}, voided, monthly_due FROM records"):
        key = tuple(str(r[k]) for k in ROLLUP_KEY)
        live, role = not r["voided"], r["role"]
        totals = counted[key]
        totals[0] += live and role == "owner"
        totals[1] += live and role == "worker"
        totals[2] += live and role == "lead"
        totals[3] += bool(r["voided"])
        totals[4] += int(r["monthly_due"]) if live and role != "lead" else 0
    stored = {
        tuple(str(r[k]) for k in ROLLUP_KEY): [int(r[c]) for c in ROLLUP_COUNTS]
        for r in tx.all(f"SELECT {', '.join(ROLLUP_KEY + ROLLUP_COUNTS)} FROM daily_rollup")
    }
    problems = []
    for key in sorted(set(counted) | set(stored)):
        want = counted.get(key, [0] * len(ROLLUP_COUNTS))
        have = stored.get(key, [0] * len(ROLLUP_COUNTS))
        if want != have:
            problems.append(
                Problem(
                    "rollup_mismatch",
                    None,
                    f"daily_rollup {dict(zip(ROLLUP_KEY, key, strict=True))} holds "
                    f"{dict(zip(ROLLUP_COUNTS, have, strict=True))}, a recount of records gives "
                    f"{dict(zip(ROLLUP_COUNTS, want, strict=True))}",
                )
            )
    return problems


# -- the checks ---------------------------------------------------------------------------


def _digest(pairs: Iterable[tuple[str, int]]) -> str:
    xor = 0
    for uuid, version in pairs:
        xor ^= int.from_bytes(hashlib.sha256(f"{uuid}:{version}".encode()).digest(), "big")
    return f"{xor:064x}"


def check_in_step(
    laptop_path: Path,
    hub: Storage,
    *,
    settled: bool = True,
    check_batches: bool = True,
    check_rollups: bool = True,
    context: str = "",
) -> None:
    """Laptop and hub agree, nothing lost, nothing doubled; raise naming every problem.

    ``settled``: a sync run finished since the last change, so nothing may be waiting and
    every batch is acknowledged on both sides. Unsettled (right after a kill): a record
    still waiting may or may not have reached the hub, but what the hub holds must be a
    version the laptop sent, with that version's content.
    ``check_batches``: off when bundles were imported (imports have no local batch row).
    """
    laptop = read_laptop(laptop_path)
    state = read_hub(hub, laptop.device_id, check_rollups=check_rollups)
    problems: list[Problem] = []
    if laptop.integrity != ["ok"]:
        problems.append(Problem("laptop_integrity", None, "; ".join(laptop.integrity)[:300]))

    by_uuid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in state.rows:
        by_uuid[str(row["uuid"])].append(row)
    for uuid, rows in sorted(by_uuid.items()):
        if len(rows) > 1:
            problems.append(Problem("duplicate_row", uuid, f"stored {len(rows)} times in records"))
    for (uuid, version), n in sorted(Counter((u, v) for u, v, _ in state.versions).items()):
        if n > 1:
            problems.append(
                Problem(
                    "duplicate_version",
                    uuid,
                    f"version {version} stored {n} times in record_versions",
                )
            )
    kept = {(u, v): h for u, v, h in state.versions}
    contents: dict[str, list[str]] = defaultdict(list)
    for uuid, rows in sorted(by_uuid.items()):
        row = rows[0]
        data = row["data"] if isinstance(row["data"], str) else json.dumps(row["data"])
        if wire.content_hash(json.loads(data)) != row["content_hash"]:
            problems.append(
                Problem(
                    "hash_mismatch_on_hub",
                    uuid,
                    f"v{row['version']}: stored data does not hash to its "
                    "content_hash (changed after ingest)",
                )
            )
        if kept.get((uuid, int(row["version"]))) != row["content_hash"]:
            problems.append(
                Problem(
                    "missing_history",
                    uuid,
                    f"v{row['version']} has no matching record_versions row",
                )
            )
        contents[str(row["content_hash"])].append(uuid)
    for digest, uuids in sorted(contents.items()):
        if len(uuids) > 1:
            others = ", ".join(uuids[1:])
            problems.append(
                Problem(
                    "duplicate_content", uuids[0], f"content {digest[:12]}… also stored as {others}"
                )
            )

    for uuid, mine in sorted(laptop.records.items()):
        theirs = by_uuid.get(uuid, [None])[0]
        label = f"{mine.entity} v{mine.version} ({mine.sync_state})"
        if settled and mine.sync_state in WAITING:
            problems.append(Problem("still_waiting", uuid, f"{label} after a finished sync"))
        if theirs is None:
            if mine.hub_version is not None:
                problems.append(
                    Problem(
                        "lost",
                        uuid,
                        f"laptop: {label}, the hub should hold "
                        f"v{mine.hub_version}; the hub has no such record",
                    )
                )
            continue
        have, have_hash = int(theirs["version"]), str(theirs["content_hash"])
        if not settled and mine.sync_state in WAITING and have >= (mine.hub_version or 0):
            # Right after a kill: a batch may have reached the hub unheard (open, to be
            # re-sent), and the officer may have edited since. The hub must hold a version
            # this laptop made, with that version's content, and not an older one than the
            # laptop saw acknowledged.
            made = mine.versions.get(have)
            if made is None:
                problems.append(
                    Problem(
                        "unexpected",
                        uuid,
                        f"laptop: {label}; the hub holds v{have}, a version this laptop never made",
                    )
                )
            elif made != have_hash:
                problems.append(
                    Problem(
                        "content_mismatch",
                        uuid,
                        f"hub v{have} content differs from the laptop's v{have}",
                    )
                )
            continue
        if mine.hub_version is None:
            problems.append(
                Problem(
                    "unexpected",
                    uuid,
                    f"laptop: {label}, never acknowledged; the hub holds v{have}",
                )
            )
            continue
        if mine.sync_state == "conflict":
            continue  # the hub holds someone else's newer version by definition
        elif have != mine.hub_version:
            problems.append(
                Problem(
                    "version_mismatch",
                    uuid,
                    f"laptop: {label}, the hub should hold v{mine.hub_version}, it holds v{have}",
                )
            )
        elif mine.hub_hash is not None and have_hash != mine.hub_hash:
            problems.append(
                Problem(
                    "content_mismatch",
                    uuid,
                    f"v{have}: the hub's content hash differs from the laptop's",
                )
            )
    for uuid in sorted(set(by_uuid) - set(laptop.records)):
        problems.append(
            Problem(
                "unknown_on_hub",
                uuid,
                "the hub holds it under this laptop's device id; the laptop never made it",
            )
        )

    expected = sum(1 for r in laptop.records.values() if r.hub_version is not None)
    if settled and expected != len(by_uuid):
        problems.append(
            Problem(
                "count_mismatch",
                None,
                f"the laptop says the hub holds "
                f"{expected} of its records, the hub holds {len(by_uuid)}",
            )
        )
    if settled:
        problems += _digest_problems(laptop, by_uuid)
        for batch_id in laptop.open_batches:
            problems.append(Problem("open_batch", None, f"batch {batch_id} never acknowledged"))
    if check_batches:
        hub_batches = set(state.batches)
        for batch_id in sorted(laptop.acked_batches - hub_batches):
            problems.append(
                Problem(
                    "batch_unknown_to_hub",
                    None,
                    f"the laptop acknowledged batch {batch_id}; the hub has no such batch",
                )
            )
        if settled:
            for batch_id in sorted(hub_batches - laptop.acked_batches):
                problems.append(
                    Problem(
                        "batch_unacked",
                        None,
                        f"the hub stored batch {batch_id}; the laptop never recorded its receipt",
                    )
                )
    problems += state.rollup_problems
    _raise_if(problems, context)


def _digest_problems(laptop: LaptopState, hub: Mapping[str, list[dict[str, Any]]]) -> list:
    """Per local day: what the officer is shown ("hub has 148/148"), recomputed."""
    mine: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r in laptop.records.values():
        if r.hub_version is not None:
            mine[r.day].append((r.uuid, r.hub_version))
    theirs: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for uuid, rows in hub.items():
        theirs[str(rows[0]["day"])].append((uuid, int(rows[0]["version"])))
    problems = []
    for day in sorted(set(mine) | set(theirs)):
        a, b = mine.get(day, []), theirs.get(day, [])
        if len(a) != len(b) or _digest(a) != _digest(b):
            problems.append(
                Problem(
                    "digest_mismatch",
                    None,
                    f"{day}: laptop {len(a)} records "
                    f"digest {_digest(a)[:12]}…, hub {len(b)} records digest "
                    f"{_digest(b)[:12]}…",
                )
            )
    return problems


def check_durable(path: Path, acknowledged: Iterable[str], *, context: str = "") -> None:
    """After a crash: the app opens the file again (recovering the WAL and finishing any
    migration, as the booth would at its next start), it is sound, and it holds every
    save that returned."""
    from outreach_tui.store import Store, StoreError

    problems: list[Problem] = []
    try:
        Store(path).close()
    except StoreError as exc:
        problems.append(Problem("unopenable", None, f"the booth cannot open the file: {exc}"))
        _raise_if(problems, context)
    conn = _connect(path)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        integrity += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
        if integrity != ["ok"]:
            problems.append(Problem("laptop_integrity", None, "; ".join(integrity)[:300]))
        present = {r[0] for r in conn.execute("SELECT uuid FROM registrations")}
        for uuid in sorted(set(acknowledged) - present):
            problems.append(Problem("lost_save", uuid, "save() returned, the row is gone"))
        for r in conn.execute(
            "SELECT w.uuid, w.owner_uuid FROM registrations w LEFT JOIN registrations o "
            "ON o.uuid = w.owner_uuid WHERE w.role = 'worker' AND o.uuid IS NULL"
        ):
            problems.append(Problem("orphan_worker", r[0], f"owner {r[1]} is missing"))
        (counter,) = conn.execute("SELECT value FROM counters WHERE name = 'seq'").fetchone()
        top, rows, distinct = conn.execute(
            "SELECT coalesce(max(seq), 0), count(*), count(DISTINCT seq) FROM ("
            "SELECT seq FROM registrations UNION ALL SELECT seq FROM leads)"
        ).fetchone()
        if counter < top or rows != distinct:
            problems.append(
                Problem(
                    "seq_broken",
                    None,
                    f"counter {counter}, highest seq {top}, "
                    f"{rows} rows with {distinct} distinct seqs",
                )
            )
        workers: dict[str, set[str]] = {
            r[0]: set() for r in conn.execute("SELECT uuid FROM registrations WHERE role = 'owner'")
        }
        for owner, worker in conn.execute(
            "SELECT owner_uuid, uuid FROM registrations WHERE role = 'worker'"
        ):
            if owner in workers:  # an orphan is reported above
                workers[owner].add(worker)
        for uuid, detail in conn.execute(
            "SELECT entity_uuid, detail FROM audit_log WHERE action = 'registration.create' "
            "AND entity_uuid IN (SELECT uuid FROM registrations WHERE role = 'owner')"
        ):
            listed = set(json.loads(detail).get("workers", []))
            if listed != workers.get(uuid, set()):
                problems.append(
                    Problem(
                        "audit_mismatch",
                        uuid,
                        f"audit lists {len(listed)} "
                        f"workers, the file has {len(workers.get(uuid, ()))}",
                    )
                )
        audited = {
            r[0]
            for r in conn.execute(
                "SELECT entity_uuid FROM audit_log WHERE action = 'registration.create'"
            )
        }
        for uuid in sorted(set(workers) - audited):
            problems.append(Problem("audit_mismatch", uuid, "saved without its audit entry"))
    finally:
        conn.close()
    _raise_if(problems, context)
