"""What comes back from the hub: reconciliation tallies, the downlink (protocol §4–5), and
views of what it answered (states, refused records). Used through ``SyncQueue``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import localtime
from outreach_tui.store import audit
from outreach_tui.store.crypto import ENTITY_TABLES, open_row
from outreach_tui.store.database import Database, utc_now
from outreach_tui.store.time_zones import read_zones

if TYPE_CHECKING:
    import sqlite3

    from outreach_tui.store.database import Transaction

TABLES = {"registration": "registrations", "lead": "leads"}
REFERENCE_KIND = "contributions"


def local_zone(name: str = "Asia/Jakarta") -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database (bare Windows): WIB has had no DST since 1964
        return timezone(timedelta(hours=7))


def day_digest(pairs: Iterable[tuple[str, int]]) -> str:
    """XOR of sha256(uuid + ":" + version) over the records: order-independent, hex."""
    acc = 0
    for uuid, version in pairs:
        acc ^= int.from_bytes(hashlib.sha256(f"{uuid}:{version}".encode()).digest(), "big")
    return f"{acc:064x}"


def local_reconcile(
    database: Database,
    device_id: str,
    days: Collection[str] | None = None,
    *,
    zone: tzinfo | None = None,
) -> list[dict[str, Any]]:
    """Per local day of ``created_at``: records the hub should hold from this device.

    A synced record counts at its version; one edited (or refused) after an earlier ack
    counts at ``base_version``, the version the hub acknowledged; never-acked ones not at all.
    """
    tally: dict[str, dict[str, Any]] = {}
    pairs: dict[str, list[tuple[str, int]]] = {}
    with database.read() as db:
        zones = read_zones(db)  # each record's day in its event's zone, as the hub files it
        for entity, table in TABLES.items():
            for uuid, created_at, held, event_id in db.execute(
                f"SELECT uuid, created_at, CASE WHEN sync_state IN ('synced', 'duplicate')"
                f" THEN version ELSE base_version END, event_id FROM {table}"
                " WHERE device_id = ?",
                [device_id],
            ):
                if held is None:
                    continue
                here = zone or localtime.zone(zones.for_event_id(event_id))
                day = datetime.fromisoformat(created_at).astimezone(here).date().isoformat()
                if days is not None and day not in days:
                    continue
                entry = tally.setdefault(day, {"day": day, "registrations": 0, "leads": 0})
                entry["registrations" if entity == "registration" else "leads"] += 1
                pairs.setdefault(day, []).append((uuid, held))
    return [{**tally[day], "digest": day_digest(pairs[day])} for day in sorted(tally)]


def apply_downlink(database: Database, downlink: dict[str, Any], *, hub_id: str) -> dict[str, int]:
    """Reference data, NIK digests and review outcomes, and the new cursor: one transaction."""
    now = utc_now()
    done = {"reference": 0, "known_participants": 0, "review_outcomes": 0}
    with database.write() as db:
        reference = downlink.get("reference")
        if reference:
            done["reference"] = db.execute(
                "INSERT INTO reference_data (kind, version, content, installed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [REFERENCE_KIND, reference["version"], reference["content"], now],
            ).rowcount
        key = downlink.get("nik_key")
        if key:
            # Digests made with another key can never match again: drop that cache.
            db.execute("DELETE FROM known_participants WHERE key_id <> ?", [key["key_id"]])
            _set(db, "nik_key_id", key["key_id"])
            _set(db, "nik_key", key["key"])
        key_id = key["key_id"] if key else _setting(db, "nik_key_id") or ""
        for p in downlink.get("known_participants") or []:
            db.execute(
                "INSERT INTO known_participants (nik_digest, key_id, registered_on, branch_code,"
                " received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (nik_digest) DO UPDATE SET"
                " registered_on = excluded.registered_on, branch_code = excluded.branch_code,"
                " key_id = excluded.key_id",
                [p["nik_digest"], key_id, p.get("registered_on"), p.get("branch_code"), now],
            )
            done["known_participants"] += 1
        for r in downlink.get("review_outcomes") or []:
            db.execute(
                "INSERT INTO review_outcomes (uuid, outcome, reviewed_at, received_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET"
                " outcome = excluded.outcome, reviewed_at = excluded.reviewed_at",
                [r["uuid"], r["outcome"], r["reviewed_at"], now],
            )
            done["review_outcomes"] += 1
        db.execute(
            "INSERT INTO sync_checkpoints (hub_id, last_acked_seq, updated_at, downlink_cursor)"
            " VALUES (?, 0, ?, ?) ON CONFLICT (hub_id) DO UPDATE SET"
            " downlink_cursor = excluded.downlink_cursor, updated_at = excluded.updated_at",
            [hub_id, now, downlink.get("cursor")],
        )
        if any(done.values()):
            audit.append(
                db, device_id=_setting(db, "device_id") or "", action="sync.downlink",
                detail={"hub_id": hub_id, **done},
            )  # fmt: skip
    return done


def known_participant(database: Database, nik: str) -> dict[str, Any] | None:
    """The branch's record of this NIK (from the downlink), for an offline warning."""
    with database.read() as db:
        key = _setting(db, "nik_key")
        if key is None:
            return None
        digest = hmac.new(base64.b64decode(key), nik.encode(), hashlib.sha256).hexdigest()
        rows = _dicts(db.execute("SELECT * FROM known_participants WHERE nik_digest = ?", [digest]))
    return rows[0] if rows else None


def state_counts(database: Database) -> dict[str, int]:
    counts = dict.fromkeys(("pending", "uploading", "synced", "conflict", "rejected"), 0)
    with database.read() as db:
        for table in TABLES.values():
            for state, n in db.execute(
                f"SELECT sync_state, count(*) FROM {table} GROUP BY sync_state"
            ):
                key = "synced" if state == "duplicate" else state
                counts[key] = counts.get(key, 0) + n
    return counts


def problems(database: Database, limit: int = 100) -> list[dict[str, Any]]:
    """Records the hub refused (conflict or rejected), newest change first."""
    with database.read() as db:
        rows = _dicts(
            db.execute(
                "SELECT 'registration' AS entity, uuid, reference_no AS label, full_name,"
                " sync_state, sync_code, sync_field, sync_message, seq FROM registrations"
                " WHERE sync_state IN ('conflict', 'rejected') UNION ALL"
                " SELECT 'lead', uuid, NULL, full_name, sync_state, sync_code, sync_field,"
                " sync_message, seq FROM leads WHERE sync_state IN ('conflict', 'rejected')"
                " ORDER BY seq DESC LIMIT ?",
                [limit],
            )
        )
    return [open_row(database.cipher, ENTITY_TABLES[r["entity"]], r) for r in rows]


def reference_version(database: Database) -> str | None:
    with database.read() as db:
        row = db.execute(
            "SELECT version FROM reference_data WHERE kind = ? ORDER BY installed_at DESC,"
            " version DESC LIMIT 1",
            [REFERENCE_KIND],
        ).fetchone()
    return row[0] if row else None


def _setting(db: Transaction, key: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set(db: Transaction, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    # Rows as dicts, as sqlite-utils' query() gave them (not imported for a sync run).
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
