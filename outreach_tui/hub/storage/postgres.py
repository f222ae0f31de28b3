"""The hub on PostgreSQL (psycopg 3): many hub processes may share one database.

The hub keeps no state of its own; uniqueness comes from primary keys with
``ON CONFLICT DO NOTHING`` and compare-and-set updates, so any number of processes can
ingest at once. Deadlocks and serialization failures are rerun by ``Storage.write``.

Connections come from a bounded ``psycopg_pool.ConnectionPool`` per hub process: at most
``pool_size`` (``OUTREACH_HUB_PG_POOL``, default 8) are open at once, so many hub
processes cannot exhaust the server's ``max_connections``; a request that finds every
one busy waits up to ``POOL_WAIT_S``, then is a 503 ``hub.busy``. The pool is closed
with the storage (at the app's shutdown).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from outreach_tui.hub.errors import HubError, RetryTransaction, StorageUnavailable
from outreach_tui.hub.storage.base import Row, Storage, Tx

MIGRATION_LOCK = 7_429_001  # any constant; an advisory lock id for the migrator
POOL_SIZE = 8  # connections per hub process, at most
POOL_WAIT_S = 30.0  # a request waits this long for a free connection, then 503
CONNECT_TIMEOUT_S = 10
APPLICATION_NAME = "outreach-hub"  # what pg_stat_activity shows for the pool's connections
# No JIT for the hub's short queries: at 1,000,000 records a region's tally context (its
# officers, an OR over a subquery the planner costs high) spent 340 of its 370 ms
# compiling (EXPLAIN ANALYZE, docs/SCALING.md); the queries themselves take milliseconds.
SESSION_OPTIONS = "-c jit=off"
_cursor_names = itertools.count()


def _pg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def redacted(url: str) -> str:
    """host:port/dbname, without user or password, for messages."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql://?"
    return f"postgresql://{info.get('host', '')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


_CREDENTIALS = re.compile(r"(://)[^/@\s\"']*@|(password\s*=\s*)\S+", re.IGNORECASE)


def scrubbed(reason: str, url: str) -> str:
    """A driver's message without the URL's user and password (it may quote the URL)."""
    text = reason.replace(url, redacted(url))
    return _CREDENTIALS.sub(lambda m: f"{m[1]}***@" if m[1] else f"{m[2]}***", text)


class PostgresTx(Tx):
    dialect = "postgres"

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        if not params:
            return self.conn.execute(sql.encode()).rowcount
        return self.conn.execute(_pg(sql).encode(), tuple(params)).rowcount

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        # psycopg pipelines the statements: one round trip for the lot, not one per row.
        with self.conn.cursor() as cursor:
            cursor.executemany(_pg(sql).encode(), rows)
            return cursor.rowcount

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        query = _pg(sql) if params else sql
        return self.conn.execute(query.encode(), tuple(params) or None).fetchall()

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Row]:
        # A server-side cursor: the rows stay in PostgreSQL until fetched.
        with self.conn.cursor(name=f"hub_stream_{next(_cursor_names)}") as cursor:
            cursor.execute(_pg(sql) if params else sql, tuple(params) or None)
            while rows := cursor.fetchmany(size):
                yield from rows

    def lock_migrations(self) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))


class PostgresStorage(Storage):
    dialect = "postgres"

    def __init__(self, url: str, *, pool_size: int | None = None) -> None:
        self.url = url
        self.location = redacted(url)
        size = pool_size or int(os.environ.get("OUTREACH_HUB_PG_POOL") or POOL_SIZE)
        # One connection first, by hand: an unreachable server is one line with its
        # reason at once (the pool would retry in the background until its timeout).
        self._connect().close()
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, size),
            kwargs={"autocommit": True, "row_factory": dict_row,
                    "connect_timeout": CONNECT_TIMEOUT_S,
                    "application_name": APPLICATION_NAME, "options": SESSION_OPTIONS},
            timeout=POOL_WAIT_S,
            name="outreach-hub",
            open=False,
        )  # fmt: skip
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except PoolTimeout:
            self._pool.close()
            raise StorageUnavailable(
                "hub.db_unavailable", db=self.location, reason="no connection"
            ) from None

    def _connect(self) -> psycopg.Connection[Row]:
        try:
            return psycopg.connect(
                self.url, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            reason = scrubbed(reason, self.url)
            raise StorageUnavailable(
                "hub.db_unavailable", db=self.location, reason=reason
            ) from None

    @contextmanager
    def _tx(self, *, readonly: bool) -> Iterator[Tx]:
        try:
            conn = self._pool.getconn()
        except PoolTimeout:
            raise HubError("hub.busy", 503) from None
        try:
            with conn.transaction():
                if readonly:
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield PostgresTx(conn)
        except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure):
            raise RetryTransaction from None
        except psycopg.OperationalError as exc:
            raise StorageUnavailable(
                "hub.db_unavailable",
                db=self.location,
                reason=scrubbed(str(exc).strip(), self.url)[:200],
            ) from None
        except pg_errors.UndefinedTable as exc:
            raise HubError("hub.db_not_migrated", 503, db=self.location) from exc
        finally:
            self._pool.putconn(conn)  # a broken or unfinished connection is discarded

    def transaction(self) -> Any:
        return self._tx(readonly=False)

    def read(self) -> Any:
        return self._tx(readonly=True)

    def close(self) -> None:
        self._pool.close()
