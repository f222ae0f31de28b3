"""Daily rollups: what one record adds to (or, when replaced, takes from) the tallies.

Deltas are gathered per batch in memory and written at the end in key order, one upsert
per touched row, so a dashboard over millions of records reads a few hundred rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from outreach_tui.domain.tally_columns import HUB_GROUP_COLUMNS
from outreach_tui.hub.storage import Tx

KEY = HUB_GROUP_COLUMNS  # one rollup row per finest tally group, the unit first
COUNTS = (
    "registrations", "workers", "leads", "voided", "monthly_due",
    "converted", "jht", "jht_monthly_due",  # schema v2: converted leads, JHT registrations
)  # fmt: skip
Deltas = dict[tuple[str, ...], list[int]]


def share(row: Mapping[str, Any]) -> list[int]:
    """A record's contribution to its rollup row, in COUNTS order."""
    if row["voided"]:
        return [0, 0, 0, 1, 0, 0, 0, 0]
    role = row["role"]
    due = int(row["monthly_due"]) if role != "lead" else 0
    jht = int(role != "lead" and "JHT" in str(row.get("programs") or "").split(","))
    return [
        int(role == "owner"),
        int(role == "worker"),
        int(role == "lead"),
        0,
        due,
        int(role == "lead" and bool(row.get("converted"))),
        jht,
        due if jht else 0,
    ]


def empty() -> list[int]:
    return [0] * len(COUNTS)


def add(deltas: Deltas, row: Mapping[str, Any], sign: int) -> None:
    key = tuple(str(row[k]) for k in KEY)
    totals = deltas[key]
    for i, value in enumerate(share(row)):
        totals[i] += sign * value


def apply(tx: Tx, deltas: Deltas) -> None:
    rows = [(*key, *values) for key, values in sorted(deltas.items()) if any(values)]
    if not rows:
        return
    sets = ", ".join(f"{c} = daily_rollup.{c} + excluded.{c}" for c in COUNTS)
    tx.executemany(
        f"INSERT INTO daily_rollup ({', '.join(KEY + COUNTS)}) "
        f"VALUES ({', '.join('?' * len(KEY + COUNTS))}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {sets}",
        rows,
    )
