"""Per-day counts and an order-independent digest of what the hub holds (§4).

digest = XOR over the device's records of sha256(uuid + ":" + version), hex. XOR makes
the order irrelevant, so client and hub can compute it independently and compare.
"""

from __future__ import annotations

import hashlib
from typing import Any

from outreach_tui.hub.storage import Storage


def record_digest(uuid: str, version: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{uuid}:{version}".encode()).digest(), "big")


def reconcile(
    storage: Storage, device_id: str, *, first: str | None = None, last: str | None = None
) -> dict[str, Any]:
    """Days (ascending) with registrations, leads and the digest, from a streamed scan."""
    sql = "SELECT day, entity, uuid, version FROM records WHERE device_id = ?"
    params: list[Any] = [device_id]
    if first:
        sql, params = sql + " AND day >= ?", [*params, first]
    if last:
        sql, params = sql + " AND day <= ?", [*params, last]
    days: dict[str, dict[str, Any]] = {}
    with storage.read() as tx:
        for row in tx.stream(sql + " ORDER BY day", params):
            day = days.setdefault(row["day"], {"registrations": 0, "leads": 0, "xor": 0})
            day["registrations" if row["entity"] == "registration" else "leads"] += 1
            day["xor"] ^= record_digest(row["uuid"], row["version"])
    return {
        "device_id": device_id,
        "days": [
            {
                "day": day,
                "registrations": v["registrations"],
                "leads": v["leads"],
                "digest": f"{v['xor']:064x}",
            }
            for day, v in sorted(days.items())
        ],
    }
