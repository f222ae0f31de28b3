"""Sums of the fault loops' figures (``harness.record_trial``) per test and hub kind:
``python -m tests.reliability.tally FILE`` prints a Markdown table (docs/RELIABILITY.md)."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def main(path: str) -> int:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    file = Path(path)
    if not file.exists():
        print(f"no tally at {path}")
        return 0
    for line in file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        total = sums[(row["test"], row["kind"])]
        total[0] += 1
        total[1] += row["records"]
        total[2] += row["faults"]
        total[3] += row["stopped"]
    print("| loop | hub | laptops | records | faults | runs stopped | lost / doubled |")
    print("|---|---|---|---|---|---|---|")
    for (test, kind), (laptops, records, faults, stopped) in sorted(sums.items()):
        print(f"| {test} | {kind} | {laptops} | {records:,} | {faults} | {stopped} | 0 / 0 |")
    print("\n(a loop is counted only once all its invariant checks passed; one violation")
    print("fails the test and the run, so lost / doubled is 0 whenever this table prints)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
