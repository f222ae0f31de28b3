"""Another process reading the laptop file, and a scan of the raw bytes on disk
(issue 21 item 5). Shared by tests/privacy/test_readers.py (quick) and
tests/reliability/test_privacy_readers.py (loops).

``Reader`` is a real second process: a plain ``sqlite3`` connection that runs ``BEGIN;
SELECT …`` and holds the snapshot until told to end it (as a ``sqlite3`` shell, a backup
or a script would). After ``end()`` its connection stays open and idle, like a booth
between two reads, so nothing checkpoints the file behind the test's back.

``leftovers(path, needles)`` reads the bytes of the file and of everything next to it
whose name starts with the file's (``-wal``, ``-shm``, ``-journal``, a backup), then
returns the needles found there that are not part of the live content (a value still held
by another row is not residue).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from outreach_tui.sampledata.generator import generate

ROOT = Path(__file__).resolve().parents[2]
OUTREACH = Path(sys.executable).parent / "outreach"
PASS = "kopi susu gula aren"

_SCRIPT = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*), max(nik), max(phone) FROM registrations").fetchone()
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "end":
        conn.execute("COMMIT")
        print("ended", flush=True)
    elif line.strip() == "quit":
        break
conn.close()
"""


class Reader:
    """A second process holding a read transaction on ``path`` until ``end()``."""

    def __init__(self, path: Path) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._ended = False
        self._lock = threading.Lock()
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self._proc.stdout is not None
        return self._proc.stdout.readline().strip()

    def end(self) -> None:
        """End the read transaction (the connection stays open, idle)."""
        with self._lock:
            if self._ended or self._proc.poll() is not None:
                return
            assert self._proc.stdin is not None
            self._proc.stdin.write("end\n")
            self._proc.stdin.flush()
            assert self._read() == "ended"
            self._ended = True

    def end_after(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self.end)
        timer.daemon = True
        timer.start()
        return timer

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write("quit\n")
                self._proc.stdin.flush()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()


class ShellReader(Reader):
    """The same, from the ``sqlite3`` command-line shell (an officer poking at the file)."""

    def __init__(self, path: Path) -> None:
        self._proc = subprocess.Popen(
            ["sqlite3", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._ended = False
        self._lock = threading.Lock()
        self._send("BEGIN; SELECT count(*), max(nik) IS NOT NULL FROM registrations;"
                   " SELECT 'ready';")  # fmt: skip
        while self._read() != "ready":
            pass

    def _send(self, line: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()

    def end(self) -> None:
        with self._lock:
            if self._ended or self._proc.poll() is not None:
                return
            self._send("COMMIT; SELECT 'ended';")
            while self._read() != "ended":
                pass
            self._ended = True

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                self._send(".quit")
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()


def outreach(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process (English messages)."""
    return subprocess.run(
        [str(OUTREACH), "--lang", "en", "--db", str(db), *args],
        input=stdin, capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def outreach_until_waiting(
    db: Path, *args: str, then: Callable[[], None], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process; ``then()`` runs once it says it waits for a reader
    (so the test ends the reader at that moment, not after a guessed delay)."""
    proc = subprocess.Popen(
        [str(OUTREACH), "--lang", "en", "--db", str(db), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stderr is not None and proc.stdout is not None
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    err = []
    for line in proc.stderr:
        err.append(line)
        if "waiting up to" in line:
            then()
            break
    out, rest = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, "".join(err) + rest)


def enable(db: Path, *args: str, then: Callable[[], None] | None = None) -> Any:
    stdin = f"{PASS}\n{PASS}\n"
    command = ("encrypt", "enable", "--passphrase-stdin", "--json", *args)
    if then is not None:
        return outreach_until_waiting(db, *command, then=then, stdin=stdin)
    return outreach(db, *command, stdin=stdin)


def laptop(path: Path, *, seed: int = 7, registrations: int = 60) -> Path:
    """A generated officer file; its synced rows are months old, so a purge takes them."""
    generate(path, seed=seed, registrations=registrations)
    return path


def _cutoff(days: int = 7) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_DUE = (
    "purged_at IS NULL AND sync_state IN ('synced', 'duplicate') AND synced_at IS NOT NULL"
    " AND synced_at < ? AND base_version = version"
)
_REG = ("nik", "full_name", "phone", "address")
_LEAD = ("full_name", "phone")


def _values(db: Path, where: str, params: tuple[str, ...]) -> set[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found: set[str] = set()
        for table, columns in (("registrations", _REG), ("leads", _LEAD)):
            sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {where}"
            for row in conn.execute(sql, params):
                found |= {str(v) for v in row if v is not None and len(str(v)) >= 6}
        return found
    finally:
        conn.close()


def due_values(db: Path) -> set[str]:
    """Every NIK, name, phone and address a purge (7 days) will remove and no row keeps."""
    cutoff = _cutoff()
    due = _values(db, _DUE, (cutoff,))
    return due - _values(db, f"NOT ({_DUE})", (cutoff,))


def personal_values(db: Path) -> set[str]:
    """Every NIK, name, phone and address not yet purged (what encryption seals)."""
    return _values(db, "purged_at IS NULL", ())


def on_disk(db: Path, needles: Iterable[str]) -> list[str]:
    """The needles readable in the raw bytes of the file and everything named after it."""
    blob = b"".join(
        p.read_bytes()
        for p in sorted(db.parent.iterdir())
        if p.is_file() and p.name.startswith(db.name)
    )
    return [n for n in needles if n.encode() in blob]


def leftovers(db: Path, needles: Iterable[str]) -> list[str]:
    """The needles readable in the raw bytes on disk but not in the live content."""
    present = on_disk(db, needles)
    if not present:
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        live = "\n".join(_live_values(conn))
    finally:
        conn.close()
    return sorted(n for n in present if n not in live)


def _live_values(conn: sqlite3.Connection) -> Iterable[str]:
    """Every value of every ordinary table (the FTS5 indexes of migration 0011 are read
    through their shadow tables: a contentless one cannot be scanned, which is also why
    ``Connection.iterdump`` fails on the file; the sqlite3 shell's ``.dump`` works)."""
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")]  # fmt: skip
    for table in tables:
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            yield "\x00".join("" if v is None else str(v) for v in row)


def pending(db: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'compaction_pending'")
        found = row.fetchone()
        return found[0] if found else None
    finally:
        conn.close()
