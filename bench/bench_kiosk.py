"""Booth save latency with and without `outreach kiosk` reading the same file.

    python bench/bench_kiosk.py [--saves 60] [--rounds 4] [--stress-refresh 0.05]

The booth side is ``Store.registrations.save`` (an owner and 0–2 workers, validated before
the clock starts, durable commit: WAL, ``synchronous=FULL``) on a copy of ``sample.db``,
timed per save. The kiosk is the real app (``KioskApp``, headless) in a process of its
own on the same file, as on a laptop with a TV: once at its default refresh (every 2 s)
and once reading as fast as a stress test asks (``--stress-refresh``, default every
20 ms), slides changing every second. Saves are ``--pause-ms`` apart (untimed, 20 ms),
so each block lasts long enough for the kiosk to read many times during it.

Baseline, same run, same file: the same saves with no kiosk running. Each round runs the
three blocks (none, kiosk, kiosk-stress) in a rotating order, so drift on this shared
machine hits all alike. The kiosk never takes the writer's lock, so the ratios measure
only what its CPU use and reads cost the booth on a small machine.

Prints p50/p99 per block kind and the ratios against the baseline; writes
bench/results/kiosk.json. No assertion on time: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib
from bench_save import families
from benchlib import ROOT, ms, percentile, ratio, table

from outreach_tui.store import Store

CHILD = """
import asyncio, signal, sys
from outreach_tui.store.kiosk import KioskReader
from outreach_tui.tui.kiosk.app import KioskApp
from outreach_tui.tui.kiosk.deck import load_deck

class CountingReader(KioskReader):
    reads = 0
    def today(self, now):
        CountingReader.reads += 1
        if CountingReader.reads == 2:  # the first read and the first from the worker
            print("ready", flush=True)
        return super().today(now)

class BenchKiosk(KioskApp):
    def on_mount(self):  # SIGTERM from the bench: leave cleanly, so the count is printed
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)

app = BenchKiosk(CountingReader(sys.argv[1]), deck=load_deck("id"), seconds=1.0,
                 refresh_seconds=float(sys.argv[2]))
try:
    app.run(headless=True)
finally:
    print(f"reads {CountingReader.reads}", flush=True)
"""


class Kiosk:
    """The real kiosk app, headless, in its own process, until ``stop``."""

    def __init__(self, db: Path, refresh: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(refresh)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"kiosk did not start: {line!r} {self.process.stderr.read()}")  # type: ignore[union-attr]

    def stop(self) -> int:
        """Stop it (SIGTERM: Textual exits cleanly) and return how many reads it made."""
        self.process.terminate()
        out, _ = self.process.communicate(timeout=30)
        reads = [line for line in out.splitlines() if line.startswith("reads ")]
        return int(reads[-1].split()[1]) if reads else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=60, help="timed saves per block")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--refresh", type=float, default=2.0, help="the kiosk's refresh (s)")
    parser.add_argument("--stress-refresh", type=float, default=0.02)
    parser.add_argument(
        "--pause-ms",
        type=float,
        default=20.0,
        help="untimed pause between saves (the officer typing)",
    )
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    kinds = ("none", "kiosk", "kiosk_stress")
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    reads: dict[str, int] = {"kiosk": 0, "kiosk_stress": 0}
    seconds: dict[str, float] = {"kiosk": 0.0, "kiosk_stress": 0.0}
    work = iter(families(args.saves * args.rounds * len(kinds) + 10, args.seed))
    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
        db = Path(tmp) / "booth.db"
        shutil.copy(ROOT / "sample.db", db)
        with Store(db, create=False) as store:
            event = store.settings.get("event_id")
            officer = store.settings.get("officer_code") or "PLG-01"
            for _ in range(5):  # warm-up: caches, sqlite-utils import
                owner, workers = next(work)
                store.registrations.save(owner, workers, officer_code=officer, event_id=event)
            for n in range(args.rounds):
                order = kinds[n % 3 :] + kinds[: n % 3]
                for kind in order:
                    kiosk = None
                    if kind != "none":
                        refresh = args.refresh if kind == "kiosk" else args.stress_refresh
                        kiosk = Kiosk(db, refresh)
                    started_block = time.perf_counter()
                    for _ in range(args.saves):
                        owner, workers = next(work)
                        started = time.perf_counter()
                        store.registrations.save(
                            owner, workers, officer_code=officer, event_id=event
                        )
                        samples[kind].append(time.perf_counter() - started)
                        time.sleep(args.pause_ms / 1000)
                    if kiosk is not None:
                        seconds[kind] += time.perf_counter() - started_block
                        reads[kind] += kiosk.stop()
            integrity = store.integrity_check()
        assert integrity == ["ok"], integrity

    def stats(times: list[float]) -> dict[str, float]:
        return {"p50_ms": ms(percentile(times, 50)), "p99_ms": ms(percentile(times, 99)),
                "max_ms": ms(max(times))}  # fmt: skip

    result: dict[str, object] = {
        "saves_per_block": args.saves,
        "rounds": args.rounds,
        "refresh_s": args.refresh,
        "stress_refresh_s": args.stress_refresh,
        **{kind: stats(samples[kind]) for kind in kinds},
        "kiosk_reads": reads,
        "kiosk_reads_per_s": {
            k: round(reads[k] / seconds[k], 1) if seconds[k] else None for k in reads
        },
    }
    base = result["none"]
    assert isinstance(base, dict)
    rows = []
    for kind in kinds:
        figures = result[kind]
        assert isinstance(figures, dict)
        result[f"ratio_p50_{kind}"] = ratio(figures["p50_ms"], base["p50_ms"])
        result[f"ratio_p99_{kind}"] = ratio(figures["p99_ms"], base["p99_ms"])
        rows.append([kind, figures["p50_ms"], figures["p99_ms"], figures["max_ms"],
                     result[f"ratio_p50_{kind}"], result[f"ratio_p99_{kind}"]])  # fmt: skip
    print(f"booth save latency beside a kiosk, {args.saves} saves × {args.rounds} rounds per"
          f" block, {args.pause_ms:g} ms apart; kiosk refresh {args.refresh} s,"
          f" stress {args.stress_refresh} s")  # fmt: skip
    print(table(["block", "p50 ms", "p99 ms", "max ms", "p50 / none", "p99 / none"], rows))
    print(f"kiosk reads: {reads} ({result['kiosk_reads_per_s']} per s)")
    benchlib.write_result("kiosk", result, command=benchlib.command_line())


if __name__ == "__main__":
    main()
