"""The hub on one SQLite file: zero set-up for a single branch.

WAL (readers never wait for the writer), ``synchronous=FULL`` (an acknowledged batch
survives a power cut) and ``BEGIN IMMEDIATE`` for writes, so concurrent batches queue
behind each other instead of failing half-way. The file holds NIKs: mode 0600.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from outreach_tui.hub.errors import HubError, StorageUnavailable
from outreach_tui.hub.storage.base import Pool, Row, Storage, Tx
from outreach_tui.sqlite_tables import table_names

BUSY_TIMEOUT_S = 15
# WAL pages before a commit also checkpoints them into the file (SQLite's default: 1,000,
# i.e. 4 MB). A 1,000-record batch writes ~9 MB of pages (rows, history and the leaf pages
# of the random-keyed digest indexes), so at the default nearly every commit paid a
# checkpoint too; at 64 MB a page rewritten by several batches is copied back once.
# Durability is the WAL's (synchronous=FULL fsyncs it at every commit), not the checkpoint's.
WAL_AUTOCHECKPOINT_PAGES = 16_384


class SqliteTx(Tx):
    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, tuple(params)).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self.conn.executemany(sql, rows).rowcount

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [dict(row) for row in self.conn.execute(sql, tuple(params)).fetchall()]

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Row]:
        cursor = self.conn.execute(sql, tuple(params))
        while rows := cursor.fetchmany(size):
            yield from (dict(row) for row in rows)


class SqliteStorage(Storage):
    dialect = "sqlite"

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = Path(path).expanduser().resolve()
        self.location = str(self.path)
        if self.path.is_dir():
            raise StorageUnavailable("hub.db_is_folder", db=self.location)
        if not self.path.exists():
            if not create:
                raise StorageUnavailable("hub.db_missing", db=self.location)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            except OSError as exc:
                raise StorageUnavailable(
                    "hub.db_unavailable", db=self.location, reason=exc.strerror or str(exc)
                ) from None
        elif self.path.stat().st_size == 0:
            # An empty file where a hub should be (a wiped hub, a path something else
            # touched) is not a fresh hub for a command that only reads one.
            if not create:
                raise StorageUnavailable("hub.db_not_hub", db=self.location)
        else:
            # Another program's SQLite file (or a laptop's), looked at read-only: never
            # turned into a hub, not even switched to WAL. (Unreadable: _guard says why.)
            tables = table_names(self.path)
            if tables and "hub_meta" not in tables:
                raise StorageUnavailable("hub.db_not_hub", db=self.location)
        self._pool = Pool(self._connect, lambda conn: conn.close())
        self._writer = threading.Lock()
        self._file_lock = _FileLock(self.path.with_name(self.path.name + "-writer.lock"))
        with self._guard(), self.read():
            pass

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
        )
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageUnavailable("hub.db_unavailable", db=self.location, reason=mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Engine errors a user can act on become one-line HubErrors."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise HubError("hub.busy", 503) from None
            raise StorageUnavailable("hub.db_unavailable", db=self.location, reason=exc) from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise  # a bug in our SQL, not a user problem
            raise StorageUnavailable("hub.db_unavailable", db=self.location, reason=exc) from None

    @contextmanager
    def _tx(self, begin: str) -> Iterator[Tx]:
        with self._guard():
            conn = self._pool.get()
            healthy = True
            try:
                conn.execute(begin)
                try:
                    yield SqliteTx(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error:
                healthy = False
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._pool.put(conn, healthy=healthy and not conn.in_transaction)

    def transaction(self) -> Any:
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[Tx]:
        # Writers queue on a lock, this process's then the file's (every hub worker and an
        # `outreach hub import`): SQLite's own busy handler would have a second writer
        # sleep-poll (1, 2, 5, 10… up to 100 ms) for the first one's commit.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        if not self._writer.acquire(timeout=BUSY_TIMEOUT_S):
            raise HubError("hub.busy", 503)
        try:
            if not self._file_lock.acquire(deadline):
                raise HubError("hub.busy", 503)
            try:
                with self._tx("BEGIN IMMEDIATE") as tx:
                    yield tx
            finally:
                self._file_lock.release()
        finally:
            self._writer.release()

    def read(self) -> Any:
        return self._tx("BEGIN")

    def close(self) -> None:
        self._pool.close()


class _FileLock:
    """The writers of every hub process on this file queue here (``serve --workers N``):
    a short poll of ``flock`` instead of SQLite's busy handler, which sleeps up to 100 ms
    between tries. Where ``fcntl`` is missing, SQLite's own locking alone decides."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, deadline: float) -> bool:
        try:
            import fcntl
        except ImportError:
            return True
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            return True  # cannot make the lock file: SQLite's busy handler still serialises
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    return False
                time.sleep(0.0005)
                continue
            self._fd = fd
            return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops its flock
