"""Load rows made elsewhere (the multi-branch sample, issue 17) into an empty hub, fast.

PostgreSQL: one transaction on a connection of its own; ``records``, ``record_versions``
and ``batches`` are truncated in it (so ``COPY … FREEZE`` writes frozen rows, and a
``wal_level=minimal`` server skips their WAL), their secondary indexes are dropped and
built again once at the end (one sort instead of ten million inserts into each), and the
rows go in with ``COPY``. SQLite: one ``BEGIN IMMEDIATE`` transaction, ``executemany``,
the same drop-and-rebuild of indexes. Either way the daily rollups are then built by one
SQL aggregate over ``records`` (what ingest would have summed row by row: ``rollup.share``,
held equal by the tests) and the unit x day and officer x event rollups from them, the
batches' feed is numbered in received order and the feed counter set, and a failure leaves
the hub as it was.

Only for a hub without records: the loader refuses one that has any.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from outreach_tui.hub import audit
from outreach_tui.hub.errors import HubError
from outreach_tui.hub.rollup import COUNTS, KEY
from outreach_tui.hub.storage import Storage, Tx
from outreach_tui.hub.storage.schema import (
    DUPLICATE_CASES_FROM_RECORDS,
    OFFICER_EVENT_FROM_DAILY,
    UNIT_DAY_FROM_DAILY,
)

BULK_TABLES = ("records", "record_versions", "batches")  # truncated, indexes rebuilt
_JHT = "',' || programs || ',' LIKE '%,JHT,%'"
_LIVE = "voided = 0"
# rollup.share() as SQL, in COUNTS order.
_SHARES = {
    "registrations": f"SUM(CASE WHEN {_LIVE} AND role = 'owner' THEN 1 ELSE 0 END)",
    "workers": f"SUM(CASE WHEN {_LIVE} AND role = 'worker' THEN 1 ELSE 0 END)",
    "leads": f"SUM(CASE WHEN {_LIVE} AND role = 'lead' THEN 1 ELSE 0 END)",
    "voided": "SUM(voided)",
    "monthly_due": f"SUM(CASE WHEN {_LIVE} AND role <> 'lead' THEN monthly_due ELSE 0 END)",
    "converted": f"SUM(CASE WHEN {_LIVE} AND role = 'lead' AND converted = 1 THEN 1 ELSE 0 END)",
    "jht": f"SUM(CASE WHEN {_LIVE} AND role <> 'lead' AND {_JHT} THEN 1 ELSE 0 END)",
    "jht_monthly_due": f"SUM(CASE WHEN {_LIVE} AND role <> 'lead' AND {_JHT} "
    "THEN monthly_due ELSE 0 END)",
}
# The feed in the order the batches were received (the loaded rows carry provisional,
# distinct values: made side by side, they cannot know each other's), then the counter.
_FEED_ORDER = (
    "SELECT batch_id, row_number() OVER (ORDER BY received_at, batch_id) AS seq FROM batches"
)
RENUMBER_FEED = {
    "postgres": [
        f"UPDATE batches SET feed_seq = n.seq FROM ({_FEED_ORDER}) n "
        "WHERE batches.batch_id = n.batch_id AND batches.feed_seq <> n.seq"
    ],
    "sqlite": [  # UPDATE … FROM needs SQLite 3.33; a keyed temporary table works everywhere
        f"CREATE TEMP TABLE feed_order AS {_FEED_ORDER}",
        "CREATE UNIQUE INDEX temp.feed_order_batch ON feed_order (batch_id)",
        "UPDATE batches SET feed_seq = "
        "(SELECT seq FROM feed_order f WHERE f.batch_id = batches.batch_id)",
        "DROP TABLE temp.feed_order",
    ],
}
SET_FEED_COUNTER = (
    "UPDATE counters SET value = (SELECT COALESCE(MAX(feed_seq), 0) FROM batches) "
    "WHERE name = 'feed'"
)
ROLLUP_SQL = (
    f"INSERT INTO daily_rollup ({', '.join(KEY + COUNTS)}) "
    f"SELECT {', '.join(KEY)}, {', '.join(_SHARES[c] for c in COUNTS)} FROM records "
    f"GROUP BY {', '.join(KEY)}"
)


class BulkLoader:
    """``rows(table, columns, rows)`` as often as needed, inside ``open_loader``."""

    def __init__(self, tx: Tx, copy_conn: Any = None) -> None:
        self.tx = tx
        self._conn = copy_conn  # psycopg connection: COPY; None: executemany (SQLite)
        self.dialect = tx.dialect
        self._indexes: list[tuple[str, str]] = []

    def rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self._conn is None:
            marks = ", ".join("?" * len(columns))
            self.tx.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        freeze = " (FREEZE)" if table in BULK_TABLES else ""
        sql = f"COPY {table} ({names}) FROM STDIN{freeze}".encode()
        with self._conn.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _drop_indexes(self) -> None:
        tables = ", ".join(f"'{t}'" for t in BULK_TABLES)
        if self.dialect == "postgres":
            found = self.tx.all(
                "SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i "
                f"WHERE i.schemaname = current_schema() AND i.tablename IN ({tables}) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
            )
        else:
            found = self.tx.all(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND tbl_name IN ({tables}) AND sql IS NOT NULL"
            )
        self._indexes = [(r["name"], r["sql"]) for r in found]
        for name, _ in self._indexes:
            self.tx.execute(f"DROP INDEX {name}")

    def _rebuild(self) -> None:
        for sql in RENUMBER_FEED[self.dialect]:
            self.tx.execute(sql)
        self.tx.execute(SET_FEED_COUNTER)
        for _, sql in self._indexes:
            self.tx.execute(sql)
        self.tx.execute(ROLLUP_SQL)
        self.tx.execute(UNIT_DAY_FROM_DAILY)
        self.tx.execute(OFFICER_EVENT_FROM_DAILY)
        self.tx.execute(DUPLICATE_CASES_FROM_RECORDS)  # the duplicate queue (schema v15)


def _refuse_filled(tx: Tx) -> None:
    for table in ("records", "daily_rollup", "units"):
        if tx.one(f"SELECT 1 AS x FROM {table} LIMIT 1"):
            raise HubError("hub_sample.not_empty", 409, table=table)


@contextmanager
def open_loader(storage: Storage, *, actor: str, detail: dict[str, Any]) -> Iterator[BulkLoader]:
    """A loader in one transaction; indexes rebuilt, rollups summed and an audit entry
    written when the block ends without an error (else everything is rolled back)."""
    if storage.dialect == "postgres":
        yield from _postgres(storage, actor, detail)
        return
    with storage.transaction() as tx:
        _refuse_filled(tx)
        loader = BulkLoader(tx)
        loader._drop_indexes()
        yield loader
        loader._rebuild()
        audit.append(tx, "sample.hub", actor=actor, **detail)


def _postgres(storage: Storage, actor: str, detail: dict[str, Any]) -> Iterator[BulkLoader]:
    import psycopg
    from psycopg.rows import dict_row

    from outreach_tui.hub.storage.postgres import PostgresTx

    url = storage.url  # type: ignore[attr-defined]
    with psycopg.connect(url, row_factory=dict_row) as conn:
        tx = PostgresTx(conn)
        with conn.transaction():
            _refuse_filled(tx)
            tx.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # The rollups' GROUP BY (3 million groups at 10M records) hashes in memory
            # instead of spilling: a quarter less time at 10M (docs/BENCHMARKS.md).
            tx.execute("SET LOCAL work_mem = '256MB'")
            tx.execute("SET LOCAL synchronous_commit = off")  # one commit, at the end
            tx.execute(f"TRUNCATE {', '.join(BULK_TABLES)}")
            loader = BulkLoader(tx, conn)
            loader._drop_indexes()
            yield loader
            loader._rebuild()
            audit.append(tx, "sample.hub", actor=actor, **detail)
        # Planner statistics for the new rows (outside the transaction: ANALYZE may run in
        # one, but its figures are only useful once the rows are visible).
        rollups = ("daily_rollup", "unit_day_rollup", "officer_event_rollup")
        conn.execute(f"ANALYZE {', '.join([*BULK_TABLES, *rollups])}")
