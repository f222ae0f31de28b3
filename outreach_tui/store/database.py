"""Connections to the officer's SQLite file.

One writer connection behind a lock (SQLite allows one writer anyway) and a fresh
short-lived reader per query, so Textual thread workers can call the store from any
thread. Writes run in ``BEGIN IMMEDIATE`` transactions with ``synchronous=FULL``: when a
save returns, it is in the WAL on disk and survives a killed process or a power cut.
Both hand store code a ``Transaction``: plain cursors and sqlite-utils tables over one
connection, the single typed way into the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach_tui.domain.localtime import utc_now_iso
from outreach_tui.sqlite_tables import table_names

if TYPE_CHECKING:
    import sqlite_utils
    import sqlite_utils.db

    from outreach_tui.store.crypto import FieldCipher

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A problem with the local database a user can act on (one-line message)."""


class FileMissing(StoreError):
    """The laptop file is not there and this command may not create one."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"database not found: {path}")
        self.path = path


class FileEmpty(StoreError):
    """The laptop file is there but holds 0 bytes (wiped): never silently a new booth."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"database file is empty (0 bytes): {path}")
        self.path = path


class NotALaptopFile(StoreError):
    """Where the officer's file should be: a folder, a device, a hub's database or another
    program's SQLite file. Refused before anything is written to it (not even WAL mode)."""

    def __init__(self, path: Path, kind: str) -> None:  # folder | special | hub | foreign
        super().__init__(f"not an outreach laptop database ({kind}): {path}")
        self.path = path
        self.kind = kind


class SchemaTooNew(StoreError):
    """A file written by a newer outreach: left exactly as it is."""

    def __init__(self, path: Path, found: int, latest: int) -> None:
        super().__init__(
            f"database schema v{found} is newer than this outreach (v{latest}): update outreach"
        )
        self.path = path
        self.found = found
        self.latest = latest


def _foreign_kind(path: Path) -> str | None:
    """'hub' or 'foreign' for an SQLite file that is not an officer's; None for a laptop
    file, one without tables yet, or one SQLite cannot read (opening it then says so)."""
    tables = table_names(path)
    if not tables:
        return None
    if "hub_meta" in tables:
        return "hub"
    return None if "schema_migrations" in tables else "foreign"


class FileDamaged(StoreError):
    """SQLite says the file is damaged (malformed, not a database)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is damaged: {reason}")
        self.path = path
        self.reason = reason


utc_now = utc_now_iso  # the store's timestamps: UTC, ISO 8601 with milliseconds and a Z


def create_private_file(path: Path) -> None:
    """Create (if missing) a file readable by its owner only: it holds NIKs and phones.

    No O_EXCL: two processes opening the same new path at once must both succeed.
    SQLite gives the -wal and -shm files the same mode as the main file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except (FileExistsError, NotADirectoryError) as exc:
        raise StoreError(f"cannot create {path}: a parent is not a folder") from exc
    except PermissionError as exc:
        raise StoreError(f"cannot create {path}: permission denied") from exc
    os.close(fd)


def resolve_path(path: str | os.PathLike[str]) -> Path:
    """The absolute file behind ``path``; a symlink loop is a one-line StoreError."""
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: "Symlink loop from ..."
        raise StoreError(f"cannot use {path}: a symbolic link loop or an unreadable path") from exc


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
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it
    if not readonly:
        conn.execute("PRAGMA synchronous = FULL")
        # Deleted or overwritten text (a purged NIK, an edited phone) is zeroed, not left
        # in free space where a copy of the file would still show it.
        conn.execute("PRAGMA secure_delete = ON")
    return conn


def _utils(conn: sqlite3.Connection) -> sqlite_utils.Database:
    # Imported on first use: sqlite-utils loads its plugins, click and dateutil (~60-90 ms),
    # which the booth's start-up (plain SQL only) does not need.
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


class Transaction:
    """The one way store code talks to the file, inside ``Database.write()`` or ``read()``.

    Plain SQL runs on the ``sqlite3`` connection's own cursors (``execute``, ``query``:
    no wrapper in the hot paths, nothing imported); row-shaped writes go through
    sqlite-utils tables (``table``), its ``Database`` over the same connection built on
    first use. Every helper that works inside the caller's transaction takes this type.
    """

    __slots__ = ("_utils", "conn")

    def __init__(self, conn: sqlite3.Connection, utils: sqlite_utils.Database | None = None):
        self.conn = conn
        self._utils = utils

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(
        self, sql: str, rows: Iterable[Sequence[Any] | Mapping[str, Any]]
    ) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def query(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Rows as dicts, column names as keys (as sqlite-utils' ``query`` gives them)."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def one(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> dict[str, Any] | None:
        """The first row of ``query``, or None."""
        return next(self.query(sql, params), None)

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils over this transaction's connection (imported on first use)."""
        if self._utils is None:
            self._utils = _utils(self.conn)
        return self._utils

    def table(self, name: str) -> sqlite_utils.db.Table:
        """A sqlite-utils table: ``insert``, ``update``, ``upsert`` of row dicts."""
        return self.utils.table(name)


class Database:
    """The officer's SQLite file: a locked writer and per-call readers."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool) -> None:
        """``create``: only a first run (``outreach init``, the booth's first-run screen,
        the sample generator) may make a new file; everything else refuses a missing
        or a 0-byte file rather than start a new booth in place of a wiped one."""
        self.path = resolve_path(path)
        if self.path.is_dir():
            raise NotALaptopFile(self.path, "folder")
        if self.path.exists() and not self.path.is_file():
            raise NotALaptopFile(self.path, "special")
        if not self.path.exists():
            if not create:
                raise FileMissing(self.path)
            create_private_file(self.path)
        elif not create and self.path.stat().st_size == 0:
            raise FileEmpty(self.path)
        elif self.path.stat().st_size and (kind := _foreign_kind(self.path)):
            raise NotALaptopFile(self.path, kind)
        self._lock = threading.RLock()
        try:
            self._writer = connect(self.path)
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc
        try:
            mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"cannot switch {self.path} to WAL mode (got {mode})")
        except sqlite3.Error as exc:
            self._writer.close()
            raise self._open_error(exc) from exc
        except StoreError:
            self._writer.close()
            raise
        # Yielded by every write(): its sqlite-utils Database is built once, on first use.
        self._write_tx = Transaction(self._writer)
        # The unlocked field cipher when encryption is on (store.crypto sets and clears it).
        self.cipher: FieldCipher | None = None

    def _open_error(self, exc: sqlite3.Error) -> StoreError:
        from outreach_tui.store.damage import is_corruption

        if is_corruption(exc):
            return FileDamaged(self.path, str(exc))
        return StoreError(f"cannot open {self.path} as a database: {exc}")

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """A write transaction (``BEGIN IMMEDIATE``); commits durably on exit, rolls back
        on error, even when the COMMIT itself fails."""
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._write_tx
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    # A failed COMMIT (disk full, I/O error) leaves the transaction open;
                    # roll back so the next save does not find the store wedged.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise

    def set_foreign_keys(self, on: bool) -> None:
        """Foreign-key enforcement on the writer (migrations turn it off between
        transactions; it is on otherwise)."""
        with self._lock:
            self._writer.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A fresh reader: never blocks behind a writer in WAL mode, safe on any thread."""
        conn = connect(self.path)
        conn.execute("PRAGMA query_only = ON")
        try:
            yield Transaction(conn)
        finally:
            conn.close()

    @contextmanager
    def unsafe_bulk_write(self) -> Iterator[Transaction]:
        """A write transaction with ``synchronous=OFF``, for generating fresh files only.

        Used by the sample generator on a file nobody has saved anything into yet; a crash
        there loses nothing of value, and it makes a million rows take seconds.
        """
        with self._lock:
            self._writer.execute("PRAGMA synchronous = OFF")
            try:
                with self.write() as tx:
                    yield tx
            finally:
                self._writer.execute("PRAGMA synchronous = FULL")

    def compact(self) -> dict[str, int]:
        """Rewrite the file without free space (VACUUM, temp data in memory only), then
        fold the WAL into it and truncate the WAL to zero bytes. Afterwards neither the
        file nor the WAL holds text deleted earlier. Returns the checkpoint result."""
        with self._lock:
            conn = self._writer
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("VACUUM")
        return self.checkpoint()

    def checkpoint(self) -> dict[str, int]:
        """``PRAGMA wal_checkpoint(TRUNCATE)``: busy is 1 when a reader kept it from
        finishing (the WAL is then emptied by a later checkpoint)."""
        with self._lock:
            busy, log, done = self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return {"busy": busy, "log_frames": log, "checkpointed_frames": done}

    def close(self) -> None:
        with self._lock:
            self._writer.close()
