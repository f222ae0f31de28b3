"""Drive tests/helpers/writer_process.py: a process that registers in a loop and prints
each uuid only after its save returned; killing it tests what a crash leaves behind."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("writer_process.py")


class Writer:
    """The writer subprocess, with its acknowledged uuids read on a background thread."""

    def __init__(self, db: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.endswith("\n"):  # a line cut by the kill was never acknowledged
                self.lines.put(line.strip())
        self.lines.put(None)

    def wait_for(self, count: int, timeout: float = 60) -> list[str]:
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"writer exited early: {self.stderr()}")
            got.append(line)
        return got

    def kill(self) -> list[str]:
        """SIGKILL, then everything it had acknowledged and not yet been read."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        rest = []
        while (line := self.lines.get(timeout=5)) is not None:
            rest.append(line)
        return rest

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read()
