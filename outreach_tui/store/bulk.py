"""A fast insert path for generated data (sample files, benchmarks).

Runs inside the caller's transaction (normally ``Database.unsafe_bulk_write()``) and uses
``executemany`` over plain tuples: per-row dict inserts through sqlite-utils cost several
times more for a million rows. Table and column names are checked against the schema,
because they are pasted into the SQL text (values are always bound parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


DEFAULT_BATCH = 10_000


def _columns_of(db: Transaction, table: str) -> list[str]:
    rows = db.execute("SELECT name FROM pragma_table_info(?)", [table]).fetchall()
    return [row[0] for row in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def insert_sql(
    db: Transaction, table: str, columns: Sequence[str], *, replace: bool = False
) -> str:
    """The INSERT statement for ``columns`` of ``table``; ValueError for unknown names."""
    known = _columns_of(db, table)
    if not known:
        raise ValueError(f"no such table: {table!r}")
    if unknown := [c for c in columns if c not in known]:
        raise ValueError(f"{table} has no column(s) {unknown}")
    if not columns:
        raise ValueError("at least one column is required")
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    names = ", ".join(_quoted(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"{verb} INTO {_quoted(table)} ({names}) VALUES ({marks})"


def bulk_insert(
    db: Transaction,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch: int = DEFAULT_BATCH,
    replace: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) in batches; returns the row count.

    Does not open or commit a transaction: the caller's transaction makes the whole fill
    atomic. ``on_batch`` gets the running total after each batch (for progress bars).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    sql = insert_sql(db, table, columns, replace=replace)
    conn = db.conn
    iterator = iter(rows)
    total = 0
    while chunk := list(islice(iterator, batch)):
        conn.executemany(sql, chunk)
        total += len(chunk)
        if on_batch is not None:
            on_batch(total)
    return total


def set_counter(db: Transaction, name: str, value: int) -> None:
    """Set a change counter (e.g. ``seq``) after rows were inserted with explicit values."""
    db.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [name, value],
    )


def set_cache_size(db: Transaction, kib: int) -> None:
    """Give this connection a bigger page cache: a million random-key index inserts
    (NIK, phone, name, reference number) thrash the default 2 MB cache."""
    db.execute(f"PRAGMA cache_size = {-abs(int(kib))}")


@contextmanager
def indexes_deferred(db: Transaction, table: str) -> Iterator[None]:
    """Drop ``table``'s explicit indexes for the block, then rebuild them from their own
    ``CREATE INDEX`` text, inside the caller's transaction.

    Building an index once by sorting is several times faster than updating a random-key
    index (NIK, phone, name) row by row. UNIQUE and PRIMARY KEY indexes stay (they have no
    SQL text). On an error the caller's rollback restores everything.
    """
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid",
        [table],
    ).fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX {_quoted(name)}")
    yield
    for _, sql in indexes:
        db.execute(sql)
