"""What goes out in a batch: which records, in what order, and the exact body.

Used by ``SyncQueue``. Personal fields are opened here (strictly: a locked store cannot
send), and the stored copy of a body is sealed when encryption is on, so the file never
keeps a plaintext copy of what was sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import wire
from outreach_tui.store.crypto import FieldCipher, open_row, open_text, seal_text

if TYPE_CHECKING:
    import sqlite_utils

TABLES = {"registration": "registrations", "lead": "leads"}


def _where(batch_id: str) -> str:
    return f"sync_batches.body:{batch_id}"


_string = json.encoder.encode_basestring  # a str as a JSON string (non-ASCII kept)


def encode_body(body: dict[str, Any]) -> str:
    """The exact JSON text POSTed for ``body``; stored as it is, so a re-send after a
    killed run sends the same bytes without encoding the body again."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def seal_body(cipher: FieldCipher | None, batch_id: str, text: str) -> str:
    """The text stored in ``sync_batches.body`` (sealed when encryption is on)."""
    return seal_text(cipher, text, _where(batch_id))


def dump_body(cipher: FieldCipher | None, body: dict[str, Any]) -> str:
    return seal_body(cipher, body["batch_id"], encode_body(body))


def body_text(cipher: FieldCipher | None, batch_id: str, stored: str) -> str:
    """A stored body's JSON text (``StoreLocked`` when it is sealed and the store is locked)."""
    return open_text(cipher, stored, _where(batch_id))


def load_body(cipher: FieldCipher | None, batch_id: str, text: str | None) -> dict[str, Any]:
    """A stored body (``StoreLocked`` when it is sealed and the store is locked)."""
    if not text:
        return {"records": []}
    return json.loads(body_text(cipher, batch_id, text))


def versions(db: sqlite_utils.Database, table: str, uuids: list[str]) -> dict[str, int]:
    """uuid -> current version, for those of ``uuids`` that exist."""
    found: dict[str, int] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        found.update(
            db.execute(
                f"SELECT uuid, version FROM {table} WHERE uuid IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


def rows(
    db: sqlite_utils.Database, entity: str, uuids: list[str], cipher: FieldCipher | None
) -> list[dict[str, Any]]:
    table = TABLES[entity]
    found: list[dict[str, Any]] = []
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        found += db.query(
            f"SELECT t.*, e.code AS _event_code FROM {table} t"
            f" LEFT JOIN events e ON e.id = t.event_id"
            f" WHERE t.uuid IN ({','.join('?' * len(chunk))})",
            chunk,
        )
    return [open_row(cipher, table, row, strict=True) for row in found]


def pick(
    db: sqlite_utils.Database,
    limit: int | None,
    states: tuple[str, ...],
    cipher: FieldCipher | None,
    *,
    exclude: Collection[str] = (),
) -> list[tuple[str, dict[str, Any]]]:
    """At most ``limit`` waiting records in seq order, leaving out ``exclude`` (uuids); a
    never-acknowledged owner travels before (or with) its workers so the hub never sees a
    worker whose owner it does not know yet. The owners pulled in count towards ``limit``:
    a batch over the hub's ``max_records`` would be refused (and the runner would halve
    its batch size for the rest of the run)."""
    marks = ",".join("?" * len(states))
    sql = (
        f"SELECT 'registration', uuid, seq FROM registrations WHERE sync_state IN ({marks})"
        f" UNION ALL SELECT 'lead', uuid, seq FROM leads WHERE sync_state IN ({marks})"
        " ORDER BY seq" + (" LIMIT ?" if limit else "")
    )
    # Excluded records are rare (edited while their batch is in flight): read past them.
    room = limit + len(exclude) if limit else None
    head = db.execute(sql, [*states, *states, *([room] if room else [])]).fetchall()
    if exclude:
        head = [h for h in head if h[1] not in exclude][:limit]
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
            if (owner := row.get("owner_uuid")) and owner not in in_head and owner not in exclude
        }
    )
    owners = {r["uuid"]: r for r in rows(db, "registration", outside, cipher)}
    picked: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for entity, uuid, _ in head:
        if limit and len(picked) >= limit:
            break  # owners pulled in took the room: the rest waits for the next batch
        row = found[entity][uuid]
        owner_uuid = row.get("owner_uuid") if entity == "registration" else None
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
    db: sqlite_utils.Database,
    device_id: str,
    batch_id: str,
    picked: list[tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    return body_and_text(db, device_id, batch_id, picked)[0]


def body_and_text(
    db: sqlite_utils.Database,
    device_id: str,
    batch_id: str,
    picked: list[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Any], str]:
    """The batch body and its JSON text, with each record's ``data`` written as the
    canonical JSON its content hash is computed over (encoded once, used twice)."""
    records, texts = [], []
    for entity, row in picked:
        make = wire.registration_data if entity == "registration" else wire.lead_data
        data = make(row, event_code=row["_event_code"])
        canonical = wire.canonical_json(data)
        record = {
            "entity": entity,
            "uuid": row["uuid"],
            "version": row["version"],
            "base_version": row["base_version"],
            "content_hash": hashlib.sha256(canonical).hexdigest(),
            "data": data,
        }
        records.append(record)
        base = record["base_version"]
        texts.append(
            f'{{"entity":{_string(entity)},"uuid":{_string(record["uuid"])},'
            f'"version":{int(record["version"])},'
            f'"base_version":{"null" if base is None else int(base)},'
            f'"content_hash":"{record["content_hash"]}","data":{canonical.decode()}}}'
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
    if codes:
        out["events"] = [
            {name: event[name] for name in wire.EVENT_FIELDS}
            for event in db.query(
                f"SELECT * FROM events WHERE code IN ({','.join('?' * len(codes))}) ORDER BY code",
                codes,
            )
        ]
    officer = db.execute(
        "SELECT code, name, branch_code FROM officers WHERE code = ?",
        [picked[0][1]["officer_code"]],
    ).fetchone()
    if officer:
        out["officer"] = {"code": officer[0], "name": officer[1], "branch_code": officer[2]}
    head = encode_body({name: value for name, value in out.items() if name != "records"})
    return out, head[:-1] + ',"records":[' + ",".join(texts) + "]}"
