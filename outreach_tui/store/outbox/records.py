"""What goes out in a batch: which records, in what order, and the exact body text.

Used by ``batches`` (and the signed bundles of ``SyncQueue``). Personal fields are opened
here (strictly: a locked store cannot send); ``batches`` seals the stored copy of a body.

Per record this is the laptop's hot path of a sync (issue 5): rows are read with plain
cursors, only the columns that travel, each record's wire ``data`` built straight from
them (tests/sync/test_sync_outgoing.py holds it equal to ``wire``'s builders), and its
records marked in one statement.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import wire
from outreach_tui.domain.localtime import DEFAULT_ZONE
from outreach_tui.store.crypto import PERSONAL, PREFIX, FieldCipher, StoreLocked, open_fields
from outreach_tui.store.outbox.states import TABLES
from outreach_tui.store.time_zones import read_zones

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

_string = json.encoder.encode_basestring  # a str as a JSON string (non-ASCII kept)
# How a record's text starts, up to its uuid (the same for every record of an entity).
_OPENING = {entity: f'{{"entity":{_string(entity)},"uuid":' for entity in TABLES}


def encode_body(body: dict[str, Any]) -> str:
    """The exact JSON text POSTed for ``body``; stored as it is, so a re-send after a
    killed run sends the same bytes without encoding the body again."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def set_state(db: Transaction, table: str, state: str, rowids: list[int]) -> None:
    """Every row of ``rowids`` (same transaction) to ``state``: one statement, not one per
    row (each UPDATE execution sets up its cursors again, about half its cost). OR FAIL:
    a failure still raises and the caller's transaction is rolled back whole, and SQLite
    keeps no statement journal (past 64 KB a temp file on disk: writes, and a copy of
    those pages outside the store)."""
    if rowids:
        db.execute(
            f"UPDATE OR FAIL {table} SET sync_state = ?"
            " WHERE rowid IN (SELECT value FROM json_each(?))",
            [state, json.dumps(rowids)],
        )


# What a record's row holds for ``pick`` and the body: its bookkeeping, and under "data"
# its wire ``data`` (the fields that travel, in wire's order, event code last).
BOOKKEEPING = ("_event_code", "uuid", "seq", "version", "base_version", "sync_state", "_rowid")
_TRAVEL = {
    entity: tuple(name for name in wire.FIELDS[entity] if name != "event_code") for entity in TABLES
}


def _select(entity: str) -> str:
    """The travelling columns, the event code, the rest of ``BOOKKEEPING`` and, last,
    whether any personal value is sealed: SQLite tells in C which rows need opening (the
    test of ``is_sealed``, over the columns ``open_row`` opens). A text starts with the
    prefix exactly when it sorts between it and the prefix with its last character one
    higher; numbers sort below any text and blobs above (not sealed either): two
    comparisons, half the cost of substr()."""
    table = TABLES[entity]
    above = PREFIX[:-1] + chr(ord(PREFIX[-1]) + 1)
    sealed = " OR ".join(f"(t.{c} >= '{PREFIX}' AND t.{c} < '{above}')" for c in PERSONAL[table])
    travel = ", ".join(f"t.{name}" for name in _TRAVEL[entity])
    return (
        f"SELECT {travel}, e.code, t.uuid, t.seq, t.version, t.base_version, t.sync_state,"
        f" t.rowid, ({sealed}) FROM {table} t LEFT JOIN events e ON e.id = t.event_id"
    )


_SELECT = {entity: _select(entity) for entity in TABLES}


_SENT_WHEN_SET = wire.SENT_WHEN_SET


def _registration_data(data: dict[str, Any]) -> None:
    # As wire.registration_data: programs as a list, estimate a bool.
    data["programs"] = [p for p in str(data["programs"]).split(",") if p]
    data["estimate"] = bool(data["estimate"])
    if data.pop("state_funded", None):  # sent only when true (wire.OPTIONAL_…)
        data["state_funded"] = True
    # UU 27/2022 fields (issue 20): sent only when set, so older records hash as before.
    if data.pop("guardian_consent", None):
        data["guardian_consent"] = True
    for name in _SENT_WHEN_SET:
        if data.get(name, 0) is None:
            del data[name]
    for name in wire.DETAIL_FIELDS:  # sent only when set (records from before them)
        value = data.pop(name)
        if value is not None:
            data[name] = value


def _lead_data(data: dict[str, Any]) -> None:
    # As wire.lead_data: consent_contact a bool.
    data["consent_contact"] = bool(data["consent_contact"])


_FINISH = {"registration": _registration_data, "lead": _lead_data}


def rows(
    db: Transaction, entity: str, uuids: list[str], cipher: FieldCipher | None
) -> list[dict[str, Any]]:
    """The records ``uuids`` of ``entity``: dicts of ``BOOKKEEPING`` and "data", the wire
    ``data`` of ``wire.registration_data`` / ``wire.lead_data`` (tests/sync hold them
    equal), personal fields opened (``StoreLocked`` when one is sealed and the store is
    locked). Built straight from each row's values: a full row dict handed to wire's
    builders cost twice as much."""
    table, travel, finish = TABLES[entity], _TRAVEL[entity], _FINISH[entity]
    width, blank = len(travel), dict.fromkeys(travel)
    found: list[dict[str, Any]] = []
    for values in _values(db.conn, _SELECT[entity], uuids):
        data = blank.copy()  # sized once: cheaper than growing a dict key by key
        data.update(zip(travel, values, strict=False))  # the values after them left out
        data["event_code"] = values[width]
        finish(data)
        row = {  # BOOKKEEPING, spelled out: a third of what dict(zip(...)) cost here
            "_event_code": values[width], "uuid": values[width + 1],
            "seq": values[width + 2], "version": values[width + 3],
            "base_version": values[width + 4], "sync_state": values[width + 5],
            "_rowid": values[width + 6],
        }  # fmt: skip
        if values[-1]:  # a personal value is sealed
            if cipher is None:
                raise StoreLocked()
            data = open_fields(cipher, table, row["uuid"], data)
        row["data"] = data
        found.append(row)
    return found


def _values(conn: sqlite3.Connection, select: str, uuids: list[str]) -> Iterator[tuple[Any, ...]]:
    # 500 uuids a query: within SQLite's limit of bound parameters on any build.
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        yield from conn.execute(f"{select} WHERE t.uuid IN ({','.join('?' * len(chunk))})", chunk)


def _head(
    db: Transaction,
    limit: int | None,
    states: tuple[str, ...],
    exclude: Collection[str],
    after_seq: int = 0,
) -> list[tuple[str, str, int]]:
    """(entity, uuid, seq) of the first ``limit`` records in ``states`` after ``after_seq``,
    not in ``exclude``."""
    marks = ",".join("?" * len(states))
    sql = (
        f"SELECT 'registration', uuid, seq FROM registrations WHERE sync_state IN ({marks})"
        " AND seq > ?"
        f" UNION ALL SELECT 'lead', uuid, seq FROM leads WHERE sync_state IN ({marks})"
        " AND seq > ? ORDER BY seq" + (" LIMIT ?" if limit else "")
    )
    params = [*states, after_seq, *states, after_seq]
    if not limit:
        return [h for h in db.execute(sql, params) if h[1] not in exclude]
    # Excluded records waiting are rare (edited while their batch is in flight; the others
    # in flight are uploading): read past those found, not past all of ``exclude`` at once.
    room = limit
    while True:
        head = db.execute(sql, [*params, room]).fetchall()
        kept = [h for h in head if h[1] not in exclude] if exclude else head
        if len(kept) >= limit or len(head) < room:
            return kept[:limit]
        room += len(head) - len(kept)


def pick(
    db: Transaction,
    limit: int | None,
    states: tuple[str, ...],
    cipher: FieldCipher | None,
    *,
    exclude: Collection[str] = (),
    after_seq: int = 0,
) -> list[tuple[str, dict[str, Any]]]:
    """At most ``limit`` waiting records in seq order, leaving out ``exclude`` (uuids); a
    never-acknowledged owner travels before (or with) its workers so the hub never sees a
    worker whose owner it does not know yet. The owners pulled in count towards ``limit``:
    a batch over the hub's ``max_records`` would be refused (and the runner would halve
    its batch size for the rest of the run)."""
    head = _head(db, limit, states, exclude, after_seq)
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for entity in TABLES:
        uuids = [u for e, u, _ in head if e == entity]
        found[entity] = {r["uuid"]: r for r in rows(db, entity, uuids, cipher)}
    # Owners of these workers that are not in this batch: one look-up for all of them.
    in_head = {u for _, u, _ in head}
    outside = sorted(
        {
            owner
            for row in found["registration"].values()
            if (owner := row["data"]["owner_uuid"])
            and owner not in in_head
            and owner not in exclude
        }
    )
    owners = {r["uuid"]: r for r in rows(db, "registration", outside, cipher)}
    picked: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for entity, uuid, _ in head:
        if limit and len(picked) >= limit:
            break  # owners pulled in took the room: the rest waits for the next batch
        row = found[entity][uuid]
        owner_uuid = row["data"]["owner_uuid"] if entity == "registration" else None
        if owner_uuid and owner_uuid not in seen:
            owner = owners.get(owner_uuid) or found["registration"].get(owner_uuid)
            if owner and owner["sync_state"] in states and owner["base_version"] is None:
                picked.append(("registration", owner))
                seen.add(owner_uuid)
                if limit and len(picked) >= limit:
                    break  # no room left for the worker: it follows its owner next time
        if uuid not in seen:
            picked.append((entity, row))
            seen.add(uuid)
    return picked


def body(
    db: Transaction,
    device_id: str,
    batch_id: str,
    picked: list[tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    return body_and_text(db, device_id, batch_id, picked)[0]


def body_and_text(
    db: Transaction,
    device_id: str,
    batch_id: str,
    picked: list[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Any], str]:
    """The batch body and its JSON text, with each record's ``data`` written as the
    canonical JSON its content hash is computed over (encoded once, used twice)."""
    records, texts = [], []
    canonical_json, sha256 = wire.canonical_json, hashlib.sha256  # looked up once a batch
    for entity, row in picked:
        data = row["data"]
        canonical = canonical_json(data)
        uuid, version, base = row["uuid"], row["version"], row["base_version"]
        digest = sha256(canonical).hexdigest()
        records.append(
            {"entity": entity, "uuid": uuid, "version": version, "base_version": base,
             "content_hash": digest, "data": data}
        )  # fmt: skip
        texts.append(
            f'{_OPENING[entity]}{_string(uuid)},"version":{int(version)},'
            f'"base_version":{"null" if base is None else int(base)},'
            f'"content_hash":"{digest}","data":{canonical.decode()}}}'
        )
    seqs = [row["seq"] for _, row in picked]
    out: dict[str, Any] = {
        "batch_id": batch_id,
        "device_id": device_id,
        "seq_from": min(seqs),
        "seq_to": max(seqs),
        "records": records,
    }
    codes = sorted({r["_event_code"] for _, r in picked if r["_event_code"]})
    zones = read_zones(db)  # the hub files each record under its day in these zones
    if codes:
        cursor = db.execute(
            f"SELECT * FROM events WHERE code IN ({','.join('?' * len(codes))}) ORDER BY code",
            codes,
        )
        names = [d[0] for d in cursor.description]
        out["events"] = [
            {name: event[name] for name in wire.EVENT_FIELDS}
            | _zone_field(zones.for_event_code(event["code"]))
            for event in (dict(zip(names, values, strict=True)) for values in cursor)
        ]
    officer = db.execute(
        "SELECT code, name, branch_code FROM officers WHERE code = ?",
        [picked[0][1]["data"]["officer_code"]],
    ).fetchone()
    if officer:
        out["officer"] = {"code": officer[0], "name": officer[1], "branch_code": officer[2]}
        out["officer"] |= _zone_field(zones.default)
    head = encode_body({name: value for name, value in out.items() if name != "records"})
    return out, head[:-1] + ',"records":[' + ",".join(texts) + "]}"


def _zone_field(zone_name: str) -> dict[str, str]:
    """``time_zone`` only where it is not WIB, which hubs before it assumed: a WIB branch
    keeps syncing with an older hub (SYNC_PROTOCOL.md, "Which day")."""
    return {} if zone_name == DEFAULT_ZONE else {"time_zone": zone_name}
