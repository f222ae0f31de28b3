"""Schema v10's unit x day x path rollup against the officer-grain one it summarises."""

from __future__ import annotations

from collections import defaultdict

from outreach_tui.hub.storage import Storage
from outreach_tui.hub.storage.schema import UNIT_DAY_COUNTS


def unit_days(storage: Storage) -> dict[tuple[str, ...], list[int]]:
    """schema v10's unit x day x path rollup as stored (rows of zeros left out)."""
    with storage.read() as tx:
        rows = tx.all("SELECT * FROM unit_day_rollup")
    return {(str(r["unit_code"]), str(r["day"]), str(r["path"])): v for r in rows
            if any(v := [int(r[c]) for c in UNIT_DAY_COUNTS])}  # fmt: skip


def unit_days_from_daily(storage: Storage) -> dict[tuple[str, ...], list[int]]:
    """The same sums made in Python from the officer-grain rollup."""
    out: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(UNIT_DAY_COUNTS))
    with storage.read() as tx:
        for r in tx.all("SELECT * FROM daily_rollup"):
            values = out[(str(r["unit_code"]), str(r["day"]), str(r["path"]))]
            jht = int(r["jht"])
            for i, v in enumerate(
                (
                    r["registrations"],
                    r["workers"],
                    r["leads"],
                    r["voided"],
                    r["monthly_due"],
                    r["converted"],
                    jht if r["role"] == "owner" else 0,
                    jht if r["role"] == "worker" else 0,
                    r["jht_monthly_due"],
                )
            ):
                values[i] += int(v)  # fmt: skip
    return {k: v for k, v in out.items() if any(v)}
