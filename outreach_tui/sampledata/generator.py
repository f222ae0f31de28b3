"""A deterministic synthetic officer database: same seed and size, same rows.

``generate()`` creates the file through ``Store`` (migrations, WAL, 0600) and fills it in
one ``unsafe_bulk_write()`` transaction with ``executemany`` batches. Rows come from
``Filler`` (filler.py), which replays each booth day in time order.

Large runs produce rows in a second process while this one writes: Python row-making and
SQLite inserts each take about half the time, and they overlap almost completely on two
cores. The producer is the same code with the same seed, so the file is identical either
way (tested).
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from outreach_tui.sampledata import scenario as sc
from outreach_tui.sampledata.filler import FLUSH_ROWS, TABLE_COLUMNS, Filler, Summary
from outreach_tui.sampledata.timeline import uuid7
from outreach_tui.store.bulk import bulk_insert, indexes_deferred, set_cache_size, set_counter
from outreach_tui.store.database import StoreError
from outreach_tui.store.store import Store

__all__ = ["GenerateReport", "generate", "uuid7"]

# Below this many rows a second process costs more (interpreter start) than it saves.
PARALLEL_FROM = 100_000
_QUEUE_BATCHES = 8  # bounded: the producer never runs far ahead of the writer
_CHILD_POLL_SECONDS = 1.0


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
) -> GenerateReport:
    """Write a new sample database at ``out`` with ``registrations`` rows (owners + workers).

    Refuses an existing file (or a leftover -wal/-shm): the caller deletes it first, so a
    real officer's database is never overwritten by accident. ``progress(done, total)``
    counts registration rows written. ``parallel`` None: a producer process from
    ``PARALLEL_FROM`` rows.
    """
    out = Path(out)
    if registrations < 0:
        raise ValueError("registrations must be zero or more")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{out}{suffix}").exists():
            raise StoreError(f"{out}{suffix} already exists: delete it first (no overwriting)")
    if parallel is None:
        parallel = registrations >= PARALLEL_FROM
    started = time.perf_counter()
    store = Store(out)
    try:
        with store.database.unsafe_bulk_write() as db:
            set_cache_size(db, 256 * 1024)
            writer = _Writer(db, registrations, progress)
            with indexes_deferred(db, "registrations"):
                if parallel:
                    summary = _fill_in_child(seed, registrations, writer)
                else:
                    summary = Filler(seed, registrations, writer).run()
            set_counter(db, "seq", summary.last_seq)
            bulk_insert(db, "settings", ("key", "value"), summary.settings, replace=True)
    finally:
        store.close()
    c = summary.counts
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


class _Writer:
    """The sink: inserts each batch and reports progress in registration rows."""

    def __init__(
        self,
        db: sqlite_utils.Database,
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


def _produce(seed: int, total: int, channel: Any) -> None:
    """Child process: make the rows and send them, in order, then the summary."""
    try:
        summary = Filler(seed, total, lambda table, rows: channel.put(("rows", table, rows))).run()
        channel.put(("done", summary, None))
    except BaseException:
        channel.put(("error", traceback.format_exc(), None))
        raise


def _fill_in_child(seed: int, total: int, writer: _Writer) -> Summary:
    # "spawn" everywhere: forking a process that may hold locks or threads is not safe.
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=_QUEUE_BATCHES)
    child = context.Process(
        target=_produce, args=(seed, total, channel), name="outreach-sample", daemon=True
    )
    child.start()
    finished = False
    try:
        while True:
            try:
                kind, payload, rows = channel.get(timeout=_CHILD_POLL_SECONDS)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"sample producer stopped unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "rows":
                writer(payload, rows)
            elif kind == "done":
                finished = True
                return payload
            else:
                raise RuntimeError(f"sample producer failed:\n{payload}")
    finally:
        if finished:
            child.join()
        elif child.is_alive():  # we failed: stop the producer we started, not just orphan it
            child.terminate()
            child.join()
        channel.close()
