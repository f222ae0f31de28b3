"""The possible-duplicate queue on a big hub: the kept queue (``duplicate_cases``, schema
v15) against the per-request grouping it replaced and the raw GROUP BY under it.

    python bench/bench_duplicates.py --dsn postgresql://…/DB [--unit KC-SURAKARTA] [--runs 3]

``--dsn``: a hub made by ``outreach sample --hub-dsn`` (1,000,000 records: 0.4 % of the
people registered again, often in another branch); opened with ``open_storage``, which
builds the queue by migration 15 if the hub is older. In this process, alternating runs:

- ``raw GROUP BY``: the two grouping queries every request ran before (the baseline);
- ``scan``: the whole request as it was: those groups, then each group's members read
  and routed, kept if routed into the unit;
- ``kept``: ``duplicates.list_cases`` now (a look-up of the unit's cases, paged, and
  their members), for the unit and for the whole hub;
- ``refresh``: what keeping it adds to a batch of ``--batch`` records at ingest
  (``case_queue.refresh`` of their digests; rolled back).

Checks that both ways list the same cases, prints medians and ratios to the raw GROUP BY,
writes ``bench/results/duplicates.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import command_line, median, ms, ratio, table, write_result

from outreach_tui.hub import case_queue, duplicates, units
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import Storage, open_storage

_LIVE = duplicates._LIVE
# What hub/duplicates.py ran per request before schema v15.
RAW_GROUPS = {
    "nik": f"SELECT nik_digest AS k FROM records WHERE {_LIVE} AND nik_digest IS NOT NULL "
    "GROUP BY nik_digest HAVING COUNT(*) > 1",
    "person": f"SELECT person_digest AS k FROM records WHERE {_LIVE} "
    "AND person_digest IS NOT NULL AND person_digest <> '' "
    "GROUP BY person_digest HAVING COUNT(DISTINCT nik_digest) > 1",
}


def raw(storage: Storage) -> int:
    with storage.read() as tx:
        return sum(len(tx.all(sql)) for sql in RAW_GROUPS.values())


def scan(storage: Storage, scope: frozenset[str] | None) -> list[str]:
    """The request before v15: group everything, read every group, keep the unit's."""
    found = []
    with storage.read() as tx:
        for kind, sql in RAW_GROUPS.items():
            for row in tx.all(sql):
                members = duplicates._members(tx, kind, row["k"])
                if len(members) > 1 and units.visible(scope, duplicates.routed_to(members)):
                    found.append(duplicates._case(kind, row["k"], members, scope))
    found = [c for c in found if c["open"]]
    return [c["case_id"] for c in sorted(found, key=lambda c: (c["first_seen"], c["case_id"]))]


class _RolledBack(Exception):
    pass


def refresh(storage: Storage, uuids: list[str]) -> None:
    """One batch's refresh of the queue, in a transaction that is then rolled back."""
    try:
        with storage.transaction() as tx:
            touched = case_queue.Touched()
            touched.add_records(tx, uuids)
            case_queue.refresh(tx, touched)
            raise _RolledBack
    except _RolledBack:
        pass


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = work()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dsn", required=True, help="a sample hub's database URL")
    parser.add_argument("--unit", default="KC-SURAKARTA")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    with open_storage(args.dsn, create=False) as storage:
        info = load_hub_info(storage)
        with storage.read() as tx:
            scope = units.scope_of(tx, args.unit)
            records = int(tx.scalar("SELECT COUNT(*) AS n FROM records"))
            step = max(1, records // (args.batch * (args.runs + 1)))
            every = [r["uuid"] for r in tx.all(
                f"SELECT uuid FROM records WHERE entity = 'registration' "
                f"ORDER BY uuid LIMIT {args.batch * (args.runs + 1) * step}")][::step]  # fmt: skip
        samples: dict[str, list[float]] = {k: [] for k in (
            "raw", "scan_unit", "kept_unit", "scan_all", "kept_all", "refresh")}  # fmt: skip
        counts: dict[str, int] = {}
        for _ in range(args.runs):
            samples["raw"].append(timed(lambda: raw(storage))[0])
            for name, where in (("unit", scope), ("all", None)):
                took, old = timed(lambda w=where: scan(storage, w))
                samples[f"scan_{name}"].append(took)
                took, new = timed(lambda w=where: duplicates.list_cases(storage, info, scope=w))
                samples[f"kept_{name}"].append(took)
                assert [c["case_id"] for c in new] == old, f"{name}: the two ways differ"
                counts[name] = len(new)
            batch, every = every[: args.batch], every[args.batch :]
            samples["refresh"].append(timed(lambda b=batch: refresh(storage, b))[0])
    base = median(samples["raw"])
    rows = [
        (label, ms(median(samples[key])), ratio(median(samples[key]), base),
         round(base / median(samples[key]), 1))
        for label, key in (
            ("raw GROUP BY (baseline)", "raw"),
            (f"scan: {args.unit} ({counts['unit']} cases)", "scan_unit"),
            (f"kept: {args.unit}", "kept_unit"),
            (f"scan: whole hub ({counts['all']} cases)", "scan_all"),
            ("kept: whole hub", "kept_all"),
            (f"refresh at ingest, {args.batch} records", "refresh"),
        )
    ]  # fmt: skip
    print(f"{records:,} records, {args.runs} runs, medians")
    print(table(("duplicates", "ms", "x raw", "raw ÷"), rows))
    write_result(
        "duplicates",
        {"records": records, "unit": args.unit, "cases": counts, "runs": args.runs,
         "median_ms": {k: ms(median(v)) for k, v in samples.items()},
         "ratio_to_raw": {k: ratio(median(v), base) for k, v in samples.items()}},
        command=command_line(),
    )  # fmt: skip


if __name__ == "__main__":
    main()
