"""Schema v10's unit x day x path rollup and schema v14's unit x event x officer x path x
month rollup against the officer-grain one they summarise."""

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


def officer_events(storage: Storage) -> dict[tuple[str, ...], list[int]]:
    """schema v14's unit x event x officer x path x month rollup as stored (no zero rows)."""
    with storage.read() as tx:
        rows = tx.all("SELECT * FROM officer_event_rollup")
    return {(str(r["unit_code"]), str(r["event_code"]), str(r["officer_code"]), str(r["path"]),
             str(r["month"])): v for r in rows
            if any(v := [int(r[c]) for c in UNIT_DAY_COUNTS])}  # fmt: skip


def officer_events_from_daily(storage: Storage) -> dict[tuple[str, ...], list[int]]:
    """The same sums made in Python from the officer-grain rollup."""
    out: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * len(UNIT_DAY_COUNTS))
    with storage.read() as tx:
        for r in tx.all("SELECT * FROM daily_rollup"):
            key = (str(r["unit_code"]), str(r["event_code"]), str(r["officer_code"]),
                   str(r["path"]), str(r["day"])[:7])  # fmt: skip
            for i, v in enumerate(_unit_day_values(r)):
                out[key][i] += int(v)
    return {k: v for k, v in out.items() if any(v)}


def _unit_day_values(r: dict[str, object]) -> tuple[object, ...]:
    jht = int(str(r["jht"]))
    return (r["registrations"], r["workers"], r["leads"], r["voided"], r["monthly_due"],
            r["converted"], jht if r["role"] == "owner" else 0,
            jht if r["role"] == "worker" else 0, r["jht_monthly_due"])  # fmt: skip
