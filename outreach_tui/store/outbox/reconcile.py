"""Reconciliation (docs/SYNC_PROTOCOL.md section 4): per local day, how many records the
hub should hold from this device and an order-independent digest of them, to compare with
what the hub says it holds."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from outreach_tui.domain import localtime
from outreach_tui.store.database import Database
from outreach_tui.store.outbox.states import TABLES
from outreach_tui.store.time_zones import read_zones


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
