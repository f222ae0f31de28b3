"""Keystroke-to-render latency while typing in the registration form, against typing into
a bare Textual Input.

    python bench/bench_keystroke.py [--rounds 5] [--runs 2] [--db sample.db]

Headless (``App.run_test``, 80×24), each app in its own fresh process, processes
alternating (``--runs`` each). A key goes straight to the driver (as a terminal's would)
and the clock runs from there until the frame that shows its effect has been drawn: the
summary panel's ``update()`` is observed, then ``call_after_refresh`` marks the moment
the refresh carrying it is done. The next key is sent only once the app is idle, so
every sample is one key on its own (not a burst).

What is typed, ``--rounds`` times (the form cleared between rounds):

- the NIK, 16 digits (the panel decodes province, sex and birth date; at the 16th digit
  the duplicate lookup runs in a worker);
- the full name, 19 characters;
- the declared income, 7 digits, with the sector chosen (the panel quotes the
  contribution, discount and total after each digit).

Baseline, same run: a bare Textual app with one Input whose ``Changed`` handler puts the
value into a Static: the same keys, the same observation. Prints p50/p99 and ratios,
writes bench/results/keystroke.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import ms, percentile, ratio, table

SIZE = (80, 24)
NIK = "1671014512900001"
NAME = "Siti Aminah Lestari"
INCOME = "2500000"
Samples = dict[str, list[tuple[float, float]]]  # per field: (key -> update, key -> drawn)


class Observer:
    """Wraps a Static's update(): the time its next refresh is done, per key."""

    def __init__(self, app: Any, static: Any) -> None:
        self.app, self.static = app, static
        self.painted = asyncio.Event()
        self.updated_at = 0.0
        original = static.update

        def update(*args: Any, **kwargs: Any) -> None:
            if not self.painted.is_set() and not self.updated_at:
                self.updated_at = time.perf_counter()
            original(*args, **kwargs)
            app.call_after_refresh(self._done)

        static.update = update

    def _done(self) -> None:
        self.painted.set()

    async def key(self, key: str, char: str | None) -> tuple[float, float] | None:
        """(key -> panel updated, key -> that frame drawn) in seconds."""
        from textual import events

        self.painted.clear()
        self.updated_at = 0.0
        event = events.Key(key, char)
        event.set_sender(self.app)
        started = time.perf_counter()
        self.app._driver.send_message(event)
        try:
            await asyncio.wait_for(self.painted.wait(), timeout=2)
        except TimeoutError:
            return None  # the key changed nothing shown (should not happen here)
        return self.updated_at - started, time.perf_counter() - started


def keys_of(text: str) -> list[tuple[str, str]]:
    return [("space" if c == " " else c, c) for c in text]


async def outreach_child(db: str, rounds: int) -> Samples:
    from textual.widgets import Input

    from outreach_tui.store import Store
    from outreach_tui.tui.app import OutreachApp
    from outreach_tui.tui.widgets.choice import Choice

    store = Store(db, migrate_schema=False)
    app = OutreachApp(store, ask_start_of_day=False)
    samples: Samples = {"nik": [], "name": [], "income": []}
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        observer = Observer(app, screen.query_one("#reg-summary"))
        for _ in range(rounds):
            screen.clear_form()  # ctrl+n would ask first on a filled form
            screen.query_one("#reg-sector", Choice).value = "kuliner"
            await pilot.pause()
            for name, widget, text in (("nik", "nik", NIK), ("name", "full-name", NAME),
                                       ("income", "declared-income", INCOME)):  # fmt: skip
                screen.query_one(f"#reg-{widget}", Input).focus()
                await pilot.pause()
                for key, char in keys_of(text):
                    took = await observer.key(key, char)
                    if took is not None:
                        samples[name].append(took)
                    await app.workers.wait_for_complete()
                    await pilot.pause()
        values = {f: screen.query_one(f"#reg-{f}", Input).value for f in ("nik", "full-name")}
    store.close()
    assert values == {"nik": NIK, "full-name": NAME}, values  # the keys really went in
    return samples


async def bare_child(rounds: int) -> Samples:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="field")
            yield Static(id="echo")

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one("#echo", Static).update(event.value)

    app = Bare()
    samples: Samples = {"nik": [], "name": [], "income": []}
    async with app.run_test(size=SIZE) as pilot:
        observer = Observer(app, app.query_one("#echo", Static))
        field = app.query_one("#field", Input)
        for _ in range(rounds):
            for name, text in (("nik", NIK), ("name", NAME), ("income", INCOME)):
                field.value = ""
                field.focus()
                await pilot.pause()
                for key, char in keys_of(text):
                    took = await observer.key(key, char)
                    if took is not None:
                        samples[name].append(took)
                    await pilot.pause()
    return samples


def run_child(kind: str, rounds: int, db: Path | None) -> Samples:
    extra = ["--db", str(db)] if db is not None else []
    return benchlib.child_json(__file__, "--child", kind, "--rounds", str(rounds), *extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times the form is typed")
    parser.add_argument("--runs", type=int, default=2, help="processes per app")
    parser.add_argument("--db", type=Path, default=benchlib.ROOT / "sample.db")
    parser.add_argument("--child", choices=("outreach", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "outreach":
            got = asyncio.run(outreach_child(str(args.db), args.rounds))
        else:
            got = asyncio.run(bare_child(args.rounds))
        print(json.dumps(got))
        return

    ours: Samples = {"nik": [], "name": [], "income": []}
    bare: Samples = {"nik": [], "name": [], "income": []}
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as tmp:
        db = Path(tmp) / "booth.db"
        shutil.copy(args.db, db)  # never touch the committed file
        for _ in range(args.runs):
            for into, got in ((bare, run_child("bare", args.rounds, None)),
                              (ours, run_child("outreach", args.rounds, db))):  # fmt: skip
                for field, values in got.items():
                    into[field] += values

    def stats(pairs: list[tuple[float, float]]) -> dict[str, Any]:
        drawn, updated = [p[1] for p in pairs], [p[0] for p in pairs]
        return {"p50_ms": ms(percentile(drawn, 50)), "p99_ms": ms(percentile(drawn, 99)),
                "max_ms": ms(max(drawn)), "keys": len(drawn),
                "to_update_p50_ms": ms(percentile(updated, 50))}  # fmt: skip

    rows, result = [], {"rounds": args.rounds, "runs": args.runs, "db": str(args.db),
                        "fields": {}}  # fmt: skip
    for field in ("nik", "name", "income", "all"):
        mine = [x for v in ours.values() for x in v] if field == "all" else ours[field]
        base = [x for v in bare.values() for x in v] if field == "all" else bare[field]
        a, b = stats(mine), stats(base)
        result["fields"][field] = {"outreach": a, "bare_input": b,
                                   "ratio_p50": ratio(a["p50_ms"], b["p50_ms"]),
                                   "ratio_p99": ratio(a["p99_ms"], b["p99_ms"])}  # fmt: skip
        rows.append(
            [
                field,
                a["keys"],
                a["p50_ms"],
                a["p99_ms"],
                b["p50_ms"],
                b["p99_ms"],
                result["fields"][field]["ratio_p50"],
                result["fields"][field]["ratio_p99"],
                a["to_update_p50_ms"],
                b["to_update_p50_ms"],
            ]
        )
    print(
        "key pressed -> frame with its effect drawn (headless, 80x24); last two columns:"
        " key -> panel update() called, the rest is layout and drawing"
    )
    print(
        table(
            [
                "typing",
                "keys",
                "form p50 ms",
                "form p99 ms",
                "bare p50 ms",
                "bare p99 ms",
                "x p50",
                "x p99",
                "form upd p50",
                "bare upd p50",
            ],
            rows,
        )
    )
    benchlib.write_result("keystroke", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
