"""What both engines share: the transaction handle and the migrator; and a tiny pool of
idle connections for SQLite (PostgreSQL's is psycopg_pool's, bounded: postgres.py).

SQL is written once with ``?`` placeholders; the PostgreSQL backend rewrites them to
``%s``. Every write goes through :meth:`Storage.write`, which reruns the function on a
deadlock or serialization failure (PostgreSQL), so callers never see a transient error.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from outreach_tui.domain.localtime import utc_now_iso
from outreach_tui.hub.errors import HubError, RetryTransaction, StorageUnavailable
from outreach_tui.hub.storage.schema import LATEST_VERSION, migrations

T = TypeVar("T")
Row = dict[str, Any]
MAX_RETRIES = 5


utc_now = utc_now_iso  # the hub's timestamps, as the protocol writes every time


class Tx(ABC):
    """One connection inside one transaction."""

    dialect: str

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run one statement per row; the number of rows changed, all together."""

    @abstractmethod
    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Row]:
        """Rows one at a time without holding the whole result in memory."""

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def lock_migrations(self) -> None:  # noqa: B027 - a no-op where the engine needs none
        """Keep two hub processes from migrating at once (SQLite: BEGIN IMMEDIATE does)."""


class Pool:
    """Idle SQLite connections kept for reuse; at most ``size`` are kept, any number may be
    open (each is a file handle, not a server's connection slot)."""

    def __init__(self, connect: Callable[[], Any], close: Callable[[Any], None], size: int = 8):
        self._connect, self._close, self._size = connect, close, size
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return self._connect()

    def put(self, conn: Any, *, healthy: bool) -> None:
        with self._lock:
            if healthy and len(self._idle) < self._size:
                self._idle.append(conn)
                return
        self._close(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            self._close(conn)


class Storage(ABC):
    dialect: str
    location: str  # for messages: a path, or a URL without its password

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Tx]:
        """A write transaction: commits on exit, rolls back on any error."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Tx]:
        """A read-only transaction (one consistent snapshot on both engines)."""

    @abstractmethod
    def close(self) -> None: ...

    def write(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in a transaction, rerunning it on deadlock/serialization failure."""
        for attempt in range(MAX_RETRIES):
            try:
                with self.transaction() as tx:
                    return work(tx)
            except RetryTransaction:
                if attempt == MAX_RETRIES - 1:
                    raise HubError("hub.busy", 503) from None
        raise AssertionError("unreachable")

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def migrate(storage: Storage) -> int:
    """Bring the schema to the latest version; refuse a database from a newer hub."""

    def run(tx: Tx) -> int:
        tx.lock_migrations()
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {int(r["version"]) for r in tx.all("SELECT version FROM schema_migrations")}
        current = max(applied, default=0)
        if current > LATEST_VERSION:
            raise StorageUnavailable("hub.db_newer", version=current, latest=LATEST_VERSION)
        for version, name, statements in migrations(storage.dialect):
            # Each version not applied yet, not only those above the highest: numbers have
            # gaps (one per change in flight), so a lower one may arrive after a higher one.
            if version in applied:
                continue
            for statement in statements:
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, utc_now()),
            )
        return LATEST_VERSION

    return storage.write(run)
