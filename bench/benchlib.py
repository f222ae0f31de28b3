"""What the bench scripts share: the machine they ran on, percentiles, a printed table,
the JSON result file, and cached sample databases.

Not a bench itself (``run_all.py`` runs ``bench_*.py`` only). Every figure a bench prints
is paired with a baseline measured in the same run, because this machine is shared and
noisy: ratios travel between runs and machines, absolute times much less.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = Path(os.environ.get("OUTREACH_BENCH_CACHE", "/tmp/outreach-bench"))

if str(ROOT) not in sys.path:  # the package, when a bench is run as a plain script
    sys.path.insert(0, str(ROOT))


def machine() -> dict[str, Any]:
    """Where the figures came from: enough to tell two runs' machines apart."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "nproc": os.cpu_count(),
        "ram_gib": ram_gib,
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "loadavg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of ``samples``."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(samples: Iterable[float]) -> float:
    return statistics.median(list(samples))


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def ratio(ours: float, baseline: float) -> float | None:
    return round(ours / baseline, 3) if baseline else None


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain aligned table: the first column and text left, numbers right."""
    cells = [[str(h) for h in headers]] + [
        [f"{c:,.3f}" if isinstance(c, float) else f"{c:,}" if isinstance(c, int) else str(c)
         for c in row]
        for row in rows
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    right = [i > 0 and all(_numeric(row[i]) for row in cells[1:]) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _numeric(cell: str) -> bool:
    return cell.replace(",", "").replace(".", "").replace("-", "").isdigit() or cell == "-"


def child_json(script: str, *args: str) -> Any:
    """Run ``script`` again in a fresh process with ``args`` (each bench measures its
    apps in processes of their own) and return the JSON on its last line of output."""
    done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_result(name: str, result: dict[str, Any], *, command: str) -> Path:
    """bench/results/NAME.json with the machine and the command that reproduces it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    payload = {"bench": name, "command": command, "machine": machine(), **result}
    out.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return out


def command_line() -> str:
    """How this bench was started, for the JSON (relative to the repository)."""
    script = Path(sys.argv[0]).resolve()
    try:
        shown = str(script.relative_to(ROOT))
    except ValueError:
        shown = str(script)
    return " ".join(["python", shown, *sys.argv[1:]])


def _schema_version(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        try:
            return conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
        except sqlite3.DatabaseError:
            return 0


def _latest_schema() -> int:
    from outreach_tui.store.migrations import latest_version

    return latest_version()


def sample_db(registrations: int, *, seed: int = 7, rebuild: bool = False) -> Path:
    """A laptop database from ``outreach sample`` (the real generator), kept in CACHE.

    Cached by size and seed: a million rows take about a minute to make. A file of an
    older schema is made again; delete the file (or pass ``rebuild``) after the generator
    changed. Callers must not write to it: copy it first when a bench saves anything.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"laptop-{registrations}-s{seed}.db"
    if path.exists() and _schema_version(path) != _latest_schema():
        rebuild = True  # made by an older outreach: benches open it without migrating
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if path.exists() and not Path(f"{path}.building").exists():
        return path
    print(f"generating {path} ({registrations:,} registrations, seed {seed}) …", flush=True)
    marker = Path(f"{path}.building")
    marker.touch()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "outreach_tui", "sample", "--out", str(path),
         "--registrations", str(registrations), "--seed", str(seed), "--json"],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    marker.unlink()
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path
