"""Daily rollups: what one record adds to (or, when replaced, takes from) the tallies.

Deltas are gathered per batch in memory and written at the end in key order, one upsert
per touched row, so a dashboard over millions of records reads a few hundred rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from outreach_tui.domain.tally_columns import HUB_GROUP_COLUMNS
from outreach_tui.hub.storage import Tx
from outreach_tui.hub.storage.schema import OFFICER_EVENT_KEY, UNIT_DAY_COUNTS

KEY = HUB_GROUP_COLUMNS  # one rollup row per finest tally group, the unit first
COUNTS = (
    "registrations", "workers", "leads", "voided", "monthly_due",
    "converted", "jht", "jht_monthly_due",  # schema v2: converted leads, JHT registrations
)  # fmt: skip
Deltas = dict[tuple[str, ...], list[int]]
UNIT_DAY_KEY = ("unit_code", "day", "path")  # schema v10: what unit tallies group by
_UNIT, _DAY, _EVENT, _OFFICER, _PATH, _ROLE = (
    KEY.index(c) for c in ("unit_code", "day", "event_code", "officer_code", "path", "role")
)


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
    _apply_coarse(tx, "unit_day_rollup", UNIT_DAY_KEY, unit_day_deltas(deltas))
    _apply_coarse(tx, "officer_event_rollup", OFFICER_EVENT_KEY, officer_event_deltas(deltas))


def unit_day_deltas(deltas: Deltas) -> Deltas:
    """The same deltas at unit x day x path, in UNIT_DAY_COUNTS order (JHT by role)."""
    return _coarse(deltas, lambda key: (key[_UNIT], key[_DAY], key[_PATH]))


def officer_event_deltas(deltas: Deltas) -> Deltas:
    """The same deltas at unit x event x officer x path x month (schema v14), in
    UNIT_DAY_COUNTS order."""
    return _coarse(
        deltas, lambda key: (key[_UNIT], key[_EVENT], key[_OFFICER], key[_PATH], key[_DAY][:7])
    )


def _coarse(deltas: Deltas, short_key: Callable[[tuple[str, ...]], tuple[str, ...]]) -> Deltas:
    coarse: Deltas = {}
    for key, (owners, workers, leads, voided, due, converted, jht, jht_due) in deltas.items():
        role = key[_ROLE]
        values = coarse.setdefault(short_key(key), [0] * len(UNIT_DAY_COUNTS))
        for i, value in enumerate((owners, workers, leads, voided, due, converted,
                                   jht if role == "owner" else 0,
                                   jht if role == "worker" else 0, jht_due)):  # fmt: skip
            values[i] += value
    return coarse


def _apply_coarse(tx: Tx, table: str, key: tuple[str, ...], deltas: Deltas) -> None:
    # After the fine rows and in key order, like them, one table after the other:
    # concurrent batches take the branch-day and officer-event rows in one order (no
    # deadlock cycle), just before the feed counter.
    rows = [(*k, *v) for k, v in sorted(deltas.items()) if any(v)]
    if not rows:
        return
    columns = key + UNIT_DAY_COUNTS
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in UNIT_DAY_COUNTS)
    tx.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}",
        rows,
    )
