"""The hub's state for `outreach hub status`: records, live totals, batches, devices."""

from __future__ import annotations

from typing import Any

from outreach_tui.hub.auth import list_devices
from outreach_tui.hub.meta import HubInfo
from outreach_tui.hub.storage import Storage, utc_now
from outreach_tui.hub.storage.schema import LATEST_VERSION


def hub_status(storage: Storage, hub: HubInfo) -> dict[str, Any]:
    now = utc_now()
    devices = list_devices(storage)
    with storage.read() as tx:
        counts = {
            row["entity"]: int(row["n"])
            for row in tx.all("SELECT entity, COUNT(*) AS n FROM records GROUP BY entity")
        }
        totals = tx.one(
            "SELECT COALESCE(SUM(registrations), 0) AS owners, COALESCE(SUM(workers), 0) AS "
            "workers, COALESCE(SUM(leads), 0) AS leads, COALESCE(SUM(voided), 0) AS voided "
            "FROM daily_rollup"
        )
        batches = int(tx.scalar("SELECT COUNT(*) AS n FROM batches") or 0)
        schema = int(tx.scalar("SELECT MAX(version) AS v FROM schema_migrations") or 0)
    return {
        "hub_id": hub.hub_id,
        "db": storage.location,
        "engine": storage.dialect,
        "schema_version": schema,
        "latest_schema_version": LATEST_VERSION,
        "records": {"registrations": counts.get("registration", 0), "leads": counts.get("lead", 0)},
        "live": {k: int(v) for k, v in (totals or {}).items()},
        "batches": batches,
        "devices": [
            {
                "id": d.id,
                "name": d.name,
                "officer_code": d.officer_code,
                "role": d.role,
                "status": d.status(now),
                "last_seen_at": d.last_seen_at,
                "last_sync_at": d.last_sync_at,
            }
            for d in devices
        ],
    }
