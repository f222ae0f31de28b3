"""Leave no personal data behind after a purge or ``encrypt enable``, even while another
process reads the file (docs/PRIVACY.md, "No residue").

In WAL mode a change is written to the ``-wal`` first; the old page, with the old NIK or
phone, stays in the main file until a checkpoint copies the new one over it, and older
frames stay in the WAL until it is reset. A process holding a read transaction (the
``sqlite3`` shell, a backup, a script) keeps its snapshot, so no checkpoint may overwrite
those pages: the plaintext stays on disk for as long as it reads.

``finish`` therefore waits, bounded by ``wait_s``, for such readers to leave (polling
short checkpoints, so the booth's saves never wait more than a moment), then rewrites the
file without free pages (``VACUUM``, temporary data in memory only), checkpoints with
``TRUNCATE`` and checks that the WAL is empty and no free page is left. Only then is the
job done. Otherwise a marker (``settings['compaction_pending']``) records it, and the next
purge (booth start, ``outreach purge``, the purge after ``outreach sync``) tries again
until it succeeds. The marker is written before the first attempt, so a process killed
while waiting leaves it too.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from outreach_tui.store.database import Database, connect, utc_now

PENDING_KEY = "compaction_pending"
DEFAULT_WAIT_S = 30.0
_POLL_S = 0.2  # between checkpoint attempts while a reader stays
_ATTEMPT_MS = 100  # how long one attempt may hold back a writer (a booth save)


@dataclass
class Compaction:
    """The outcome of one attempt: ``done`` only when nothing deleted is left on disk."""

    done: bool
    readers: bool = False  # another process was reading when the attempt began
    waited_s: float = 0.0
    wal_bytes: int = 0
    free_pages: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pending(database: Database) -> dict[str, Any] | None:
    """The recorded unfinished compaction (``{"since", "reason"}``), if any."""
    with database.read() as db:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [PENDING_KEY]).fetchone()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {"since": None, "reason": "unknown"}


def finish(
    database: Database,
    *,
    reason: str,
    wait_s: float = DEFAULT_WAIT_S,
    on_wait: Callable[[float], None] | None = None,
) -> Compaction:
    """Compact the file and empty the WAL, waiting up to ``wait_s`` for readers to leave.

    ``on_wait(wait_s)`` is called once, when a reader is found (say so on screen). The
    pending marker is kept unless the job is done.
    """
    mark_pending(database, reason)
    deadline = time.monotonic() + max(0.0, wait_s)
    started = time.monotonic()
    conn = connect(database.path)
    try:
        conn.execute("PRAGMA temp_store = MEMORY")  # VACUUM's copy never touches the disk
        result = Compaction(done=False)
        told = False

        def wait_for_readers() -> bool:
            nonlocal told
            while True:
                if _checkpoint(conn):
                    return True
                result.readers = True
                if not told and on_wait is not None:
                    on_wait(wait_s)
                told = True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(min(_POLL_S, max(0.0, deadline - time.monotonic())))

        # Readers gone: drop the marker (the rewrite then carries no trace of it), rewrite,
        # and fold the rewrite in, waiting again for a reader that came in between.
        if wait_for_readers() and _clear(conn) and _vacuum(conn, deadline) and wait_for_readers():
            result.free_pages = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
            result.wal_bytes = _wal_bytes(database.path)
            result.done = result.free_pages == 0 and result.wal_bytes == 0
    finally:
        conn.close()
    result.waited_s = round(time.monotonic() - started, 2)
    result.wal_bytes = _wal_bytes(database.path)
    if not result.done:
        mark_pending(database, reason)  # again: the VACUUM may have removed it
    return result


def _checkpoint(conn: sqlite3.Connection) -> bool:
    """One short ``wal_checkpoint(TRUNCATE)``: True when the WAL is folded in and empty."""
    conn.execute(f"PRAGMA busy_timeout = {_ATTEMPT_MS}")
    try:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # locked by a writer at this instant: try again
        return False
    return int(busy) == 0


def _vacuum(conn: sqlite3.Connection, deadline: float) -> bool:
    # VACUUM needs the write lock; a booth save holds it for milliseconds at most.
    remaining_ms = max(_ATTEMPT_MS, int((deadline - time.monotonic()) * 1000))
    conn.execute(f"PRAGMA busy_timeout = {remaining_ms}")
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError:  # still locked at the deadline: not done
        return False
    return True


def mark_pending(database: Database, reason: str) -> None:
    value = json.dumps({"since": utc_now(), "reason": reason})
    with database.write() as db:
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            [PENDING_KEY, value],
        )


def _clear(conn: sqlite3.Connection) -> bool:
    conn.execute(f"PRAGMA busy_timeout = {_ATTEMPT_MS * 10}")
    try:
        with conn:
            conn.execute("DELETE FROM settings WHERE key = ?", [PENDING_KEY])
    except sqlite3.OperationalError:  # a writer held on for a second: not done this time
        return False
    return True


def _wal_bytes(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0
