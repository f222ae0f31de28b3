"""From ctrl+s on a filled registration form to the receipt (text and QR) on screen, against
a bare Textual app that does the least the same job needs, both measured here.

    python bench/bench_save_receipt.py [--rounds 20] [--db sample.db]

Headless, 80×24, each app in its own fresh process. The form is filled directly (typing is
what bench_keystroke.py measures), the app is left idle, then ctrl+s goes to the driver as
a terminal's key would; the clock stops when the refresh after the receipt screen was
shown (resumed: after its mount the first time, then each time the booth reuses it) has
been drawn. Enter goes back to the form for
the next round. The first round is the first save of the day (the booth warms up its
writer and receipt a second after start, as an officer would still be typing).

Baseline, same run: a bare app whose ctrl+s inserts one row with raw sqlite3 (WAL,
synchronous=FULL, committed) in a thread worker, then pushes a screen with one Static.
Prints p50/p99 and the ratio; writes bench/results/save_receipt.json. Target: < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import ms, percentile, ratio, table

SIZE = (80, 24)
WARM_UP_S = 1.5  # past the booth's own warm-up timer


class Clock:
    """ctrl+s to the frame drawn after `mounted()` is called."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.drawn = asyncio.Event()

    def mounted(self) -> None:
        self.app.call_after_refresh(self.drawn.set)

    async def press(self, key: str) -> float:
        from textual import events

        self.drawn.clear()
        event = events.Key(key, None)
        event.set_sender(self.app)
        started = time.perf_counter()
        self.app._driver.send_message(event)
        await asyncio.wait_for(self.drawn.wait(), timeout=5)
        return time.perf_counter() - started


async def outreach_child(db: str, rounds: int) -> list[float]:
    sys.path.insert(0, str(benchlib.ROOT))
    from textual.widgets import Checkbox, Input

    from outreach_tui.store import Store
    from outreach_tui.tui.app import OutreachApp
    from outreach_tui.tui.screens.receipt import ReceiptScreen
    from outreach_tui.tui.widgets.choice import Choice
    from tests.conftest import synthetic_nik

    app = OutreachApp(Store(db), ask_start_of_day=False)
    clock = Clock(app)
    original = ReceiptScreen.on_screen_resume

    def on_screen_resume(screen: ReceiptScreen, event: Any) -> None:
        # Shown: the first time right after its mount, then each time it is reused.
        original(screen, event)
        clock.mounted()

    ReceiptScreen.on_screen_resume = on_screen_resume  # type: ignore[method-assign]
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.sleep(WARM_UP_S)
        for _ in range(rounds):
            form = app.screen
            values = {"nik": synthetic_nik(sex="F"), "full-name": "Siti Aminah",
                      "phone": "0812 3456 7890", "address": "Jl. Merdeka 5, Palembang",
                      "business-name": "Pempek Cek Siti", "workers-count": "0",
                      "declared-income": "1.000.000"}  # fmt: skip
            for field, value in values.items():
                form.query_one(f"#reg-{field}", Input).value = value
            form.query_one("#reg-sector", Choice).value = "kuliner"
            form.query_one("#reg-consent", Checkbox).value = True
            await app.workers.wait_for_complete()
            await pilot.pause()
            samples.append(await clock.press("ctrl+s"))
            assert isinstance(app.screen, ReceiptScreen)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
    return samples


async def bare_child(db: str, rounds: int) -> list[float]:
    import sqlite3

    from textual import work
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Input, Static

    conn = sqlite3.connect(db, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS saved (name TEXT, at REAL)")

    class Done(Screen[None]):
        def compose(self) -> ComposeResult:
            yield Static("Tersimpan")

        def on_screen_resume(self) -> None:
            clock.mounted()

    class Bare(App[None]):
        BINDINGS = [("ctrl+s", "save")]

        def compose(self) -> ComposeResult:
            yield Input(id="name")

        @work(thread=True)
        def action_save(self) -> None:
            with conn:
                conn.execute("INSERT INTO saved VALUES (?, ?)", ["Siti", time.time()])
            self.call_from_thread(self.push_screen, Done())

    app = Bare()
    clock = Clock(app)
    samples = []
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.sleep(WARM_UP_S)
        for _ in range(rounds):
            samples.append(await clock.press("ctrl+s"))
            app.pop_screen()
            await pilot.pause()
    return samples


def run_child(kind: str, rounds: int, db: Path) -> list[float]:
    return benchlib.child_json(__file__, "--child", kind, "--rounds", str(rounds), "--db", str(db))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", type=Path, default=benchlib.ROOT / "sample.db")
    parser.add_argument("--child", choices=("outreach", "bare"))
    args = parser.parse_args()
    if args.child == "outreach":
        print(json.dumps(asyncio.run(outreach_child(str(args.db), args.rounds))))
        return
    if args.child == "bare":
        print(json.dumps(asyncio.run(bare_child(str(args.db), args.rounds))))
        return
    with tempfile.TemporaryDirectory(prefix="bench-receipt-") as tmp:
        booth = Path(tmp) / "booth.db"
        shutil.copy(args.db, booth)  # never touch the committed file
        ours = run_child("outreach", args.rounds, booth)
        bare = run_child("bare", args.rounds, Path(tmp) / "bare.db")
    rows = []
    for name, samples in (("outreach: save -> receipt", ours), ("bare: insert -> screen", bare)):
        rows.append([name, len(samples), ms(samples[0]), ms(percentile(samples[1:], 50)),
                     ms(percentile(samples[1:], 99))])  # fmt: skip
    print("ctrl+s -> the next screen drawn (headless, 80x24); first = first save of the day")
    print(table(["app", "saves", "first ms", "p50 ms", "p99 ms"], rows))
    p50 = ratio(percentile(ours[1:], 50), percentile(bare[1:], 50))
    print(f"ratio p50: {p50}  (target: outreach p50 < 50 ms)")
    result = {
        "rounds": args.rounds,
        "db": str(args.db),
        "outreach": {"first_ms": ms(ours[0]), "p50_ms": ms(percentile(ours[1:], 50)),
                     "p99_ms": ms(percentile(ours[1:], 99))},
        "bare": {"first_ms": ms(bare[0]), "p50_ms": ms(percentile(bare[1:], 50)),
                 "p99_ms": ms(percentile(bare[1:], 99))},
        "ratio_p50": p50,
    }  # fmt: skip
    benchlib.write_result("save_receipt", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
