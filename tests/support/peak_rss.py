"""Run ``outreach …`` in a child process and measure its peak memory.

``run_measured(args, env=…, timeout=…) -> Measured(returncode, stdout, stderr, peak_mb)``:
a fresh Python starts the command as its only child and reports
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` of it (Linux: KiB), so no other child of
the test process (a hub server, an earlier command) is counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
print(json.dumps({"rc": done.returncode, "out": done.stdout.decode(errors="replace"),
                  "err": done.stderr.decode(errors="replace"),
                  "kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


def run_measured(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 300
) -> Measured:
    command = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "outreach_tui", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    report = json.loads(done.stdout)
    return Measured(report["rc"], report["out"], report["err"], report["kib"] / 1024)
