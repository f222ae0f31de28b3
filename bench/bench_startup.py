"""TUI start-up to an interactive registration form, against a bare Textual app with one
Input, both measured here in fresh processes (imports included), alternating runs.

    python bench/bench_startup.py [--db sample.db] [--runs 15]

Prints medians and the ratio; writes bench/results/startup.json. Target: ratio < 1.5.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App
from textual.widgets import Input
class Bare(App):
    def compose(self):
        yield Input()
    def on_mount(self):
        self.query_one(Input).focus()
        self.call_after_refresh(self.exit)
Bare().run(headless=True, size=(80, 24))
"""

OUTREACH = """
import sys
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
class Timed(OutreachApp):
    def on_booth_status_loaded(self, message):
        super().on_booth_status_loaded(message)
        self.call_after_refresh(self.exit)
store = Store(sys.argv[1])
Timed(store, ask_start_of_day=False).run(headless=True, size=(80, 24))
"""


def run_once(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "sample.db")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "copy.db"
        shutil.copy(args.db, db)  # never touch the committed file
        run_once(BARE)
        run_once(OUTREACH, str(db))  # warm the file-system cache for both
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(run_once(BARE))
            ours.append(run_once(OUTREACH, str(db)))
    result = {
        "bare_textual_median_s": round(statistics.median(bare), 4),
        "outreach_median_s": round(statistics.median(ours), 4),
        "ratio": round(statistics.median(ours) / statistics.median(bare), 3),
        "runs": args.runs,
        "db": str(args.db),
    }
    print(f"bare Textual app with one Input : {result['bare_textual_median_s'] * 1000:7.1f} ms")
    print(f"outreach to interactive form    : {result['outreach_median_s'] * 1000:7.1f} ms")
    print(f"ratio                           : {result['ratio']:.2f}  (target < 1.5)")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
