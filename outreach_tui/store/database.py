"""Connections to the officer's SQLite file.

One writer connection behind a lock (SQLite allows one writer anyway) and a fresh
short-lived reader per query, so Textual thread workers can call the store from any
thread. Writes run in ``BEGIN IMMEDIATE`` transactions with ``synchronous=FULL``: when a
save returns, it is in the WAL on disk and survives a killed process or a power cut.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A problem with the local database a user can act on (one-line message)."""


def utc_now() -> str:
    """UTC timestamp, ISO 8601 with milliseconds and a Z, as stored everywhere."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _create_private_file(path: Path) -> None:
    """Create the database file readable by its owner only (it holds NIKs and phones).

    SQLite gives the -wal and -shm files the same mode as the main file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(
            f"file:{path}?mode=ro",
            uri=True,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA synchronous = FULL")
    return conn


class Database:
    """The officer's SQLite file: a locked writer and per-call readers."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path).expanduser().resolve()
        if not self.path.exists():
            if not create:
                raise StoreError(f"database not found: {self.path}")
            _create_private_file(self.path)
        elif self.path.is_dir():
            raise StoreError(f"not a database file (a folder): {self.path}")
        self._lock = threading.RLock()
        try:
            self._writer = connect(self.path)
            mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {self.path} as a database: {exc}") from exc
        if mode.lower() != "wal":
            raise StoreError(f"cannot switch {self.path} to WAL mode (got {mode})")
        self._db = sqlite_utils.Database(self._writer, execute_plugins=False)

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction; commits (durably) on exit, rolls back on error."""
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """A fresh reader: never blocks behind a writer in WAL mode, safe on any thread."""
        conn = connect(self.path)
        conn.execute("PRAGMA query_only = ON")
        try:
            yield sqlite_utils.Database(conn, execute_plugins=False)
        finally:
            conn.close()

    @contextmanager
    def unsafe_bulk_write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction with ``synchronous=OFF``, for generating fresh files only.

        Used by the sample generator on a file nobody has saved anything into yet; a crash
        there loses nothing of value, and it makes a million rows take seconds.
        """
        with self._lock:
            self._writer.execute("PRAGMA synchronous = OFF")
            try:
                with self.write() as db:
                    yield db
            finally:
                self._writer.execute("PRAGMA synchronous = FULL")

    def close(self) -> None:
        with self._lock:
            self._writer.close()
