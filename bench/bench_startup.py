"""TUI start-up to an interactive registration form, against a bare Textual app with one
Input, both measured here in fresh processes (imports included), alternating runs.

    python bench/bench_startup.py [--db sample.db] [--runs 15] [--bytecode as-is]

"Interactive" means what the officer needs to start typing: the whole registration form
is on screen (nothing is mounted later), the cursor is in NIK (keys go there) and the
header shows officer, event and counts; the child reports the moment a refresh has painted
that state. For the bare app: its Input is focused and painted. Each child prints that
moment (a system-wide monotonic clock); the bench also records when the process exited,
which is what this bench used to time (the exit adds interpreter teardown to both).

Bytecode: by default both apps run with their bytecode cached in a temporary folder, as
on an officer's laptop after the first start. A shell with PYTHONDONTWRITEBYTECODE=1 would
otherwise recompile this package (but not Textual, precompiled when installed) on every
run. ``--bytecode as-is`` keeps the environment untouched.

Prints medians and ratios; writes bench/results/startup.json. Target: ratio < 1.5.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import time
from textual.app import App
from textual.widgets import Input
class Bare(App):
    def compose(self):
        yield Input()
    def on_mount(self):
        self.query_one(Input).focus()
        self.call_after_refresh(self.interactive)
    def interactive(self):
        print(time.monotonic())
        self.exit()
Bare().run(headless=True, size=(80, 24))
"""

# Textual calls on_mount of every class in the MRO, so Timed adds its own without super().
OUTREACH = """
import sys, time
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.widgets.booth_header import BoothHeader
class Timed(OutreachApp):
    def on_mount(self):
        self.call_after_refresh(self.check)
    def check(self):
        screen = self.screen
        ready = (
            isinstance(screen, RegistrationScreen)
            and self.focused is not None and self.focused.id == "reg-nik"
            and screen.query_one(BoothHeader).status is not None
        )
        self.call_after_refresh(self.interactive if ready else self.check)
    def interactive(self):
        print(time.monotonic())  # the refresh after `ready` has painted it
        self.exit()
store = Store(sys.argv[1])
Timed(store, ask_start_of_day=False).run(headless=True, size=(80, 24))
"""


def run_once(code: str, *args: str, env: dict[str, str]) -> tuple[float, float]:
    """(seconds from launch to interactive, seconds from launch to exit)."""
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout  # fmt: skip
    ended = time.monotonic()
    interactive = float(out.split()[-1])
    return interactive - started, ended - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "sample.db")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--bytecode", choices=("cached", "as-is"), default="cached")
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = Path(tmp) / "copy.db"
        shutil.copy(args.db, db)  # never touch the committed file
        run_once(BARE, env=env)
        run_once(OUTREACH, str(db), env=env)  # warm the file-system (and bytecode) cache
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(run_once(BARE, env=env))
            ours.append(run_once(OUTREACH, str(db), env=env))

    def median(samples: list[tuple[float, float]], index: int) -> float:
        return statistics.median(sample[index] for sample in samples)

    result = {
        "bare_textual_median_s": round(median(bare, 0), 4),
        "outreach_median_s": round(median(ours, 0), 4),
        "ratio": round(median(ours, 0) / median(bare, 0), 3),
        "bare_textual_to_exit_median_s": round(median(bare, 1), 4),
        "outreach_to_exit_median_s": round(median(ours, 1), 4),
        "ratio_to_exit": round(median(ours, 1) / median(bare, 1), 3),
        "runs": args.runs,
        "bytecode": args.bytecode,
        "db": str(args.db),
    }
    for title, bare_key, ours_key, ratio_key, target in (
        ("launch -> interactive (form painted, cursor in NIK, header filled):",
         "bare_textual_median_s", "outreach_median_s", "ratio", "  (target < 1.5)"),
        ("launch -> process exited (the same runs, quitting right away):",
         "bare_textual_to_exit_median_s", "outreach_to_exit_median_s", "ratio_to_exit", ""),
    ):  # fmt: skip
        print(title)
        print(f"  bare Textual app with one Input : {result[bare_key] * 1000:7.1f} ms")
        print(f"  outreach registration form      : {result[ours_key] * 1000:7.1f} ms")
        print(f"  ratio                           : {result[ratio_key]:.2f}{target}")
    print(f"bytecode {args.bytecode}; {args.runs} alternating runs each; medians")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
