"""Peak memory (RSS) of the booth TUI on a big file, against a bare Textual app.

    python bench/bench_tui_memory.py [--rows 100000] [--small 2000]
    python bench/bench_tui_memory.py --rows 1000000   # the figure in docs/BENCHMARKS.md

Each app runs headless (``App.run_test``, 80×24) in its own fresh process, which reports
its own peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``, Linux: KiB) when the session is
over. The scripted session, the same key presses for every app:

    F5 (records) · F7 (all days) · PageDown ×20 · ctrl+f, type a name · clear, a NIK
    prefix · clear, a phone prefix · F6 (leads) · PageDown ×5

waiting after each step for the page to arrive (the search worker debounces 0.3 s).

Processes, same run: the bare Textual app (an Input and a DataTable of one page of rows:
Textual's own floor); outreach on a file of ``--small`` registrations; outreach on a file
of ``--rows`` registrations (both from ``outreach sample``, cached in /tmp/outreach-bench).
Bounded means the big file costs (almost) nothing more than the small one: the records
screen pages with SQL and never holds more than one page. Writes
bench/results/tui_memory.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
from pathlib import Path
from typing import Any

import benchlib
from benchlib import ratio, table

SIZE = (80, 24)


def vm_status() -> dict[str, int]:
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


async def outreach_session(db: str) -> dict[str, Any]:
    from textual.widgets import DataTable

    from outreach_tui.store import Store
    from outreach_tui.tui.app import OutreachApp

    store = Store(db, migrate_schema=False)
    app = OutreachApp(store, ask_start_of_day=False)
    seen: dict[str, Any] = {"max_table_rows": 0, "totals": []}
    async with app.run_test(size=SIZE) as pilot:

        async def settle() -> None:
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()
            screen = app.screen
            if hasattr(screen, "page") and screen.page is not None:
                table = screen.query_one("#records-table", DataTable)
                seen["max_table_rows"] = max(seen["max_table_rows"], table.row_count)
                seen["totals"].append(screen.page.total)

        await settle()
        await pilot.press("f5")
        await settle()
        await pilot.press("f8")
        await settle()
        for _ in range(20):
            await pilot.press("pagedown")
            await settle()
        for text in ("Siti", "3372", "0858"):
            await pilot.press("ctrl+f", "home", "ctrl+k", *text)
            await settle()
        await pilot.press("f7")
        await settle()
        for _ in range(5):
            await pilot.press("pagedown")
            await settle()
    store.close()
    return seen


async def bare_session() -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="search")
            yield DataTable(id="table")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("time", "name", "nik", "sync")
            for n in range(19):
                table.add_row("10:00", f"Nama {n}", f"{n:016d}", "synced")

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        keys = ["f5", "f8", *["pagedown"] * 20, *"Siti", *"3372", *"0858", "f7",
                *["pagedown"] * 5]  # fmt: skip
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
    return {"max_table_rows": 19, "totals": []}


def child(kind: str, db: str | None) -> None:
    seen = asyncio.run(outreach_session(db) if kind == "outreach" else bare_session())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_rss_kib": peak_kib, **vm_status(), **seen}))


def run_child(kind: str, db: Path | None = None) -> dict[str, Any]:
    extra = ["--db", str(db)] if db is not None else []
    return benchlib.child_json(__file__, "--child", kind, *extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="registrations, big file")
    parser.add_argument("--small", type=int, default=2_000, help="registrations, small file")
    parser.add_argument("--runs", type=int, default=1, help="processes per app (max taken)")
    parser.add_argument("--child", choices=("outreach", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db)
        return

    big, small = benchlib.sample_db(args.rows), benchlib.sample_db(args.small)
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "small": [], "big": []}
    for _ in range(args.runs):  # alternate, so drift hits all alike
        runs["bare"].append(run_child("bare"))
        runs["small"].append(run_child("outreach", small))
        runs["big"].append(run_child("outreach", big))
    peak = {k: max(r["peak_rss_kib"] for r in v) / 1024 for k, v in runs.items()}
    big_run = runs["big"][-1]
    assert big_run["max_table_rows"] <= 24, big_run  # one page, never the table
    result = {
        "rows_big": args.rows, "rows_small": args.small, "runs": args.runs,
        "peak_rss_mib": {k: round(v, 1) for k, v in peak.items()},
        "ratio_big_to_bare": ratio(peak["big"], peak["bare"]),
        "ratio_big_to_small": ratio(peak["big"], peak["small"]),
        "extra_mib_big_over_small": round(peak["big"] - peak["small"], 1),
        "max_table_rows": big_run["max_table_rows"],
        "totals_seen_big": sorted(set(big_run["totals"]))[-3:],
        "children": runs,
    }  # fmt: skip
    print(f"peak RSS of a scripted records session at 80x24 ({args.runs} process(es) each)")
    print(table(
        ["app", "file rows", "peak RSS MiB", "x bare"],
        [["bare Textual app (Input + DataTable)", "-", round(peak["bare"], 1), 1.0],
         ["outreach, small file", f"{args.small:,}", round(peak["small"], 1),
          ratio(peak["small"], peak["bare"])],
         ["outreach, big file", f"{args.rows:,}", round(peak["big"], 1),
          ratio(peak["big"], peak["bare"])]],
    ))  # fmt: skip
    print(
        f"big / small: {result['ratio_big_to_small']}  (+{result['extra_mib_big_over_small']}"
        f" MiB);  most rows ever in the table: {result['max_table_rows']}"
    )
    benchlib.write_result("tui_memory", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
