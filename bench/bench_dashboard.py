"""`outreach dashboard --hub-db` on a 1,000,000-registration hub: launch to the first
paint that shows the figures, against a bare Textual app's first paint, both in fresh
processes (imports included), alternating runs.

    python bench/bench_dashboard.py [--db PATH] [--registrations 1000000] [--runs 7]
                                    [--size 80x24] [--day 2026-06-15] [--rebuild]

The hub database is bench_tally.py's (same builder, same cache file by default; built
once when missing). The outreach child runs the real command — the Typer CLI, `dashboard
--hub-db PATH` — headless, with the hub's "today" pinned to ``--day`` (a day inside the
generated year, so an event is running and every panel has data). It reports two
moments on the system-wide monotonic clock: the figures arrived from the worker, and the
refresh after them painted the screen (tiles, daily bars, targets, officer table). The
bare child is a Textual app with one Static, reporting its first paint.

Also measured here, in-process: ``reports.dashboard.dashboard_data`` alone on the same
file (the work the worker does). Prints medians and the ratio to the bare app; writes
bench/results/dashboard.json. Target: launch -> painted with data < 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import benchlib
from benchlib import CACHE, ROOT

BARE = """
import sys, time
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("ready")
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        print(time.monotonic(), time.monotonic())
        self.exit()
width, height = map(int, sys.argv[1].split("x"))
Bare().run(headless=True, size=(width, height))
"""

# The command as a supervisor runs it; only the terminal (headless, fixed size), the day
# and the moment to stop are set from outside. Arguments: DB DAY WxH [more dashboard
# options, e.g. --unit CODE (bench_scale's region)].
OUTREACH = """
import sys, time
from datetime import date
db, day, size = sys.argv[1], date.fromisoformat(sys.argv[2]), sys.argv[3]
width, height = map(int, size.split("x"))
from outreach_tui.cli import dashboard_cmd
from outreach_tui.cli.main import app as cli
from outreach_tui.tui.hub_dashboard import HubDashboardApp
from outreach_tui.tui.screens.dashboard import DashboardScreen
dashboard_cmd._hub_today = lambda: day
dashboard_cmd.require_terminal = lambda *a: None  # headless: the bench is the terminal
run = HubDashboardApp.run
HubDashboardApp.run = lambda self, *a, **k: run(self, headless=True, size=(width, height))
loaded = DashboardScreen.on_dashboard_loaded
def on_dashboard_loaded(self, message):
    arrived = time.monotonic()
    loaded(self, message)
    def painted():
        print(arrived, time.monotonic())
        self.app.exit()
    self.call_after_refresh(painted)
DashboardScreen.on_dashboard_loaded = on_dashboard_loaded
try:
    cli(["dashboard", "--hub-db", db, *sys.argv[4:]])
except SystemExit as exit:
    if exit.code:
        raise
"""


def run_once(code: str, *args: str, env: dict[str, str]) -> tuple[float, float]:
    """(seconds from launch to data arrived, seconds from launch to painted)."""
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout  # fmt: skip
    arrived, painted = map(float, out.split()[-2:])
    return arrived - started, painted - started


def data_only(db: Path, day: date, runs: int) -> float:
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.hub.tallies import HubTallies
    from outreach_tui.reports.dashboard import dashboard_data

    times = []
    with open_storage(str(db), create=False) as storage:
        source = HubTallies(storage)
        for _ in range(runs):
            started = time.perf_counter()
            dashboard_data(source, day)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=CACHE / "hub-tally-1000000.db")
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--day", default="2026-06-15")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if args.rebuild or not args.db.exists():
        import bench_tally

        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {args.db} with {args.registrations:,} registrations …", flush=True)
        print(f"built in {bench_tally.build(args.db, args.registrations):.1f} s", flush=True)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")  # as after a first start
        ours_args = (str(args.db), args.day, args.size)
        run_once(BARE, args.size, env=env)  # warm the bytecode and file-system caches
        run_once(OUTREACH, *ours_args, env=env)
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(run_once(BARE, args.size, env=env))
            ours.append(run_once(OUTREACH, *ours_args, env=env))
    data_s = data_only(args.db, date.fromisoformat(args.day), max(3, args.runs // 2))

    def med(samples: list[tuple[float, float]], index: int) -> float:
        return statistics.median(s[index] for s in samples)

    result = {
        "db": str(args.db), "size": args.size, "day": args.day, "runs": args.runs,
        "bare_textual_painted_median_s": round(med(bare, 1), 4),
        "dashboard_data_arrived_median_s": round(med(ours, 0), 4),
        "dashboard_painted_median_s": round(med(ours, 1), 4),
        "dashboard_painted_max_s": round(max(s[1] for s in ours), 4),
        "ratio_painted_to_bare": benchlib.ratio(med(ours, 1), med(bare, 1)),
        "dashboard_data_in_process_ms": round(data_s * 1000, 1),
        "target_s": 2.0,
    }  # fmt: skip
    print(f"hub {args.db} · terminal {args.size} · day {args.day} · {args.runs} alternating runs")
    print(benchlib.table(
        ["launch ->", "median ms"],
        [["bare Textual app painted", round(result["bare_textual_painted_median_s"] * 1000, 1)],
         ["dashboard figures arrived", round(result["dashboard_data_arrived_median_s"] * 1000, 1)],
         ["dashboard painted with figures", round(result["dashboard_painted_median_s"] * 1000, 1)],
         ["(dashboard_data alone, in-process)", result["dashboard_data_in_process_ms"]]],
    ))  # fmt: skip
    worst = result["dashboard_painted_max_s"] * 1000
    print(f"ratio painted / bare: x{result['ratio_painted_to_bare']}  "
          f"(worst run {worst:.0f} ms; target < 2000 ms)")  # fmt: skip
    benchlib.write_result("dashboard", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
