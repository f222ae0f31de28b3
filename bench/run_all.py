"""Run every bench (``make bench``), one after another, and collect their JSON into
bench/results/summary.json with the machine they ran on.

    python bench/run_all.py                 # small sizes: a few minutes
    python bench/run_all.py --full          # the sizes in docs/BENCHMARKS.md (≈ 20 min
                                            # the first time: 1,000,000-row files are made
                                            # once and cached under /tmp/outreach-bench)
    python bench/run_all.py --only save,lookup

Benches never run in parallel (the machine is small and noisy; each one measures its own
baseline in the same run). A bench that fails is reported and the others still run; the
exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import CACHE, RESULTS, ROOT, table

# name: (script, small-size arguments, full-size arguments)
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "startup": ("bench_startup.py", ["--runs", "7"], ["--runs", "15"]),
    "save_receipt": ("bench_save_receipt.py", ["--rounds", "8"], ["--rounds", "20"]),
    "tally": ("bench_tally.py",
              ["--registrations", "100000", "--db", str(CACHE / "hub-tally-100000.db")],
              ["--registrations", "1000000", "--db", str(CACHE / "hub-tally-1000000.db")]),
    "save": ("bench_save.py", ["--saves", "300"], ["--saves", "2000"]),
    "lookup": ("bench_lookup.py", ["--rows", "100000"], ["--rows", "1000000"]),
    "sync": ("bench_sync.py", ["--registrations", "10000", "--single", "300"],
             ["--registrations", "100000", "--single", "1000"]),
    "tui_memory": ("bench_tui_memory.py", ["--rows", "100000"], ["--rows", "1000000"]),
    "keystroke": ("bench_keystroke.py", ["--rounds", "3", "--runs", "2"],
                  ["--rounds", "10", "--runs", "3"]),
    "dashboard": ("bench_dashboard.py",
                  ["--registrations", "100000", "--db", str(CACHE / "hub-tally-100000.db"),
                   "--runs", "3"],
                  ["--registrations", "1000000", "--db", str(CACHE / "hub-tally-1000000.db")]),
    "exports": ("bench_exports.py", ["--rows", "20000", "--runs", "1"],
                ["--rows", "100000", "--runs", "3"]),
}  # fmt: skip


def discovered() -> dict[str, tuple[str, list[str], list[str]]]:
    """BENCHES, plus any other bench/bench_*.py (run with its own defaults)."""
    found = dict(BENCHES)
    known = {script for script, _, _ in BENCHES.values()}
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if script.name not in known:
            found[script.stem.removeprefix("bench_")] = (script.name, [], [])
    return found


def headline(name: str, r: dict[str, Any]) -> str:
    """One line per bench for the summary table."""
    try:
        if name == "startup":
            return f"start-up {r['outreach_median_s'] * 1000:.0f} ms, x{r['ratio']} bare Textual"
        if name == "tally":
            return (
                f"tally {r['tally_day_officer_ms']} ms vs raw GROUP BY "
                f"{r['raw_group_by_ms']} ms (x{r['ratio_tally_to_raw']})"
            )
        if name == "save":
            return (
                f"save p50 {r['store']['p50_ms']} ms / p99 {r['store']['p99_ms']} ms, "
                f"x{r['ratio_p50']} / x{r['ratio_p99']} raw sqlite3"
            )
        if name == "lookup":
            q = r["queries"]
            return (
                f"{r['rows']:,} rows: NIK lookup p50 "
                f"{q['find_by_nik, on file']['store']['p50_ms']} ms, name search p50 "
                f"{q['search full name']['store']['p50_ms']} ms"
            )
        if name == "sync":
            return (
                f"{r['sync_sqlite']['records_per_s']:,.0f} records/s to SQLite "
                f"(x{r['ratio_sync_to_raw_sqlite']} raw ingest, "
                f"x{r['ratio_sync_to_http_per_record']} one request per record)"
            )
        if name == "tui_memory":
            return (
                f"peak RSS {r['peak_rss_mib']['big']} MiB at {r['rows_big']:,} rows, "
                f"x{r['ratio_big_to_bare']} bare, x{r['ratio_big_to_small']} small file"
            )
        if name == "keystroke":
            f = r["fields"]["all"]
            return f"key -> drawn p50 {f['outreach']['p50_ms']} ms, x{f['ratio_p50']} bare Input"
        if name == "dashboard":
            return (
                f"dashboard painted {r['dashboard_painted_median_s'] * 1000:.0f} ms, "
                f"x{r['ratio_painted_to_bare']} bare Textual"
            )
    except (KeyError, TypeError) as exc:
        return f"(result without {exc})"
    return "see the JSON"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the documented full sizes")
    parser.add_argument("--only", default="", help="comma-separated bench names")
    args = parser.parse_args()
    benches = discovered()
    names = [n for n in args.only.split(",") if n] or list(benches)
    unknown = set(names) - set(benches)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))} (have {', '.join(benches)})")
    CACHE.mkdir(parents=True, exist_ok=True)
    machine = benchlib.machine()
    summary: dict[str, Any] = {"machine": machine, "full": args.full, "benches": {}}
    out = RESULTS / "summary.json"
    if args.only and out.exists():  # a partial run updates its entries, keeps the others
        summary["benches"] = json.loads(out.read_text(encoding="utf-8")).get("benches", {})
    failed = []
    for name in names:
        script, small, full = benches[name]
        command = [sys.executable, str(ROOT / "bench" / script), *(full if args.full else small)]
        shown = " ".join(["python", f"bench/{script}", *command[2:]])
        print(f"\n=== {name}: {shown}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT)
        seconds = round(time.perf_counter() - started, 1)
        result_file = RESULTS / f"{name}.json"
        entry: dict[str, Any] = {
            "command": shown,
            "seconds": seconds,
            "exit_code": done.returncode,
            "full": args.full,
            "date": machine["date"],
        }
        if done.returncode == 0 and result_file.exists():
            entry["result"] = json.loads(result_file.read_text(encoding="utf-8"))
            entry["headline"] = headline(name, entry["result"])
        else:
            failed.append(name)
        summary["benches"][name] = entry
    out.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print("\n=== summary")
    m = summary["machine"]
    print(
        f"{m['cpu']}, {m['nproc']} cores, {m['ram_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}, {m['date']}"
    )
    print(table(["bench", "seconds", "headline"],
                [[n, e["seconds"], e.get("headline") or f"FAILED (exit {e['exit_code']})"]
                 for n, e in summary["benches"].items()]))  # fmt: skip
    print(f"wrote {Path(out).relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
