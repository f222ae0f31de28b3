"""A deterministic synthetic officer database: same seed and size, same rows.

``generate()`` creates the file through ``Store`` (migrations, WAL, 0600), in a temporary
file renamed into place by ``outreach_tui.files``, and fills it in one
``unsafe_bulk_write()`` transaction with ``executemany`` batches. Rows come from
``Filler`` (filler.py), which replays each booth day in time order.

Large runs make rows in a child process (producer.py) while this one writes: Python
row-making and SQLite inserts cost about the same CPU, so on two free cores a million
rows take roughly the writer's share instead of the sum. The child runs the same code
with the same seed, so the file is identical either way (tested).
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast

import outreach_tui
from outreach_tui import files
from outreach_tui.sampledata import scenario as sc
from outreach_tui.sampledata.filler import FLUSH_ROWS, TABLE_COLUMNS, Filler, Summary
from outreach_tui.sampledata.timeline import uuid7
from outreach_tui.store.bulk import bulk_insert, indexes_deferred, set_cache_size, set_counter
from outreach_tui.store.database import Transaction
from outreach_tui.store.store import Store

__all__ = ["GenerateReport", "generate", "uuid7"]

# Below this many rows a second process costs more (interpreter start) than it saves.
PARALLEL_FROM = 100_000
_BATCHES_AHEAD = 6  # bounded: the child runs at most this many batches ahead of the writer


@dataclass(frozen=True)
class GenerateReport:
    branches: int
    officers: int
    events: int
    owners: int
    workers: int
    leads: int
    synced: int  # registrations and leads the hub has acknowledged (synced or duplicate)
    pending: int  # registrations and leads waiting for the next sync
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def generate(
    out: Path,
    *,
    seed: int = 7,
    registrations: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
    force: bool = False,
    protect: tuple[str | Path, ...] = (),
) -> GenerateReport:
    """Write a new sample database at ``out`` with ``registrations`` rows (owners + workers).

    Through ``outreach_tui.files``: built in a 0600 temporary file beside ``out`` and
    renamed into place when complete, so a failure (a full disk) leaves nothing. Never
    onto an SQLite file (a real officer's database is never overwritten, not even with
    ``force``), a ``protect``ed path, a device or a symlink, nor beside a leftover
    -wal/-shm/-journal; an existing other regular file only with ``force``.
    ``progress(done, total)`` counts registration rows written. ``parallel`` None: a
    producer process from ``PARALLEL_FROM`` rows.
    """
    if registrations < 0:
        raise ValueError("registrations must be zero or more")
    if parallel is None:
        parallel = registrations >= PARALLEL_FROM
    started = time.perf_counter()
    written = files.write_with(
        out, lambda temp: _fill(temp, seed, registrations, progress, parallel),
        force=force, protect=protect, sqlite_output=True,
    )  # fmt: skip
    c = written.result.counts
    return GenerateReport(
        branches=len(sc.BRANCHES),
        officers=sum(len(b.officers) for b in sc.BRANCHES),
        events=len(sc.EVENTS),
        owners=c["owner"],
        workers=c["worker"],
        leads=c["lead"],
        synced=c["synced"] + c["duplicate"],
        pending=c["pending"],
        seconds=round(time.perf_counter() - started, 2),
    )


def _fill(
    path: Path,
    seed: int,
    registrations: int,
    progress: Callable[[int, int], None] | None,
    parallel: bool,
) -> Summary:
    """Migrate and fill the (empty, temporary) file at ``path``; closed when done."""
    with Store(path) as store, store.database.unsafe_bulk_write() as db:
        set_cache_size(db, 256 * 1024)
        writer = _Writer(db, registrations, progress)
        with indexes_deferred(db, "registrations"):
            if parallel:
                summary = _fill_in_child(seed, registrations, writer)
            else:
                summary = Filler(seed, registrations, writer).run()
        set_counter(db, "seq", summary.last_seq)
        bulk_insert(db, "settings", ("key", "value"), summary.settings, replace=True)
    return summary


class _Writer:
    """The sink: inserts each batch and reports progress in registration rows."""

    def __init__(
        self,
        db: Transaction,
        total: int,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        self.db, self.total, self.progress = db, total, progress
        self.written = 0

    def __call__(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        bulk_insert(self.db, table, TABLE_COLUMNS[table], rows, batch=FLUSH_ROWS)
        if table == "registrations":
            self.written += len(rows)
            if self.progress:
                self.progress(self.written, self.total)


def _pump(source: IO[bytes], inbox: queue.Queue[tuple[Any, ...]], stop: threading.Event) -> None:
    """Read the child's messages ahead of the writer: a pipe holds only ~64 KB, so without
    this the child would stall on every batch until the writer came back for it."""
    while not stop.is_set():
        try:
            message = pickle.load(source)
        except EOFError:
            message = ("eof", None, None)
        except Exception as exc:  # a torn message from a killed child
            message = ("eof", repr(exc), None)
        while not stop.is_set():
            try:
                inbox.put(message, timeout=0.2)
                break
            except queue.Full:
                continue
        if message[0] != "rows":
            return


def _fill_in_child(seed: int, total: int, writer: _Writer) -> Summary:
    """Run producer.py in a child interpreter and write what it sends, as it arrives."""
    package_root = str(Path(outreach_tui.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "outreach_tui.sampledata.producer", str(seed), str(total)]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert child.stdout is not None
        inbox: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=_BATCHES_AHEAD)
        stop = threading.Event()
        reader = threading.Thread(
            target=_pump, args=(child.stdout, inbox, stop), name="sample-reader", daemon=True
        )
        reader.start()
        finished = False
        try:
            while True:
                kind, payload, rows = inbox.get()
                if kind == "done":
                    finished = True
                    return cast(Summary, payload)
                if kind != "rows":
                    break
                writer(payload, rows)
        finally:
            stop.set()
            if not finished:
                child.kill()  # we failed (or it died): stop the child we started
            reader.join()
            child.stdout.close()
            code = child.wait()
        errors.seek(0)
        detail = errors.read().decode(errors="replace").strip()[-2000:]
        raise RuntimeError(f"sample producer stopped (exit code {code}): {detail}")
