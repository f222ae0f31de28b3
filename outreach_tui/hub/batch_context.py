"""The officers and events a batch carries, upserted at ingest: written only when they
change, so concurrent batches of one event on PostgreSQL do not queue behind one row."""

from __future__ import annotations

from typing import Any

from outreach_tui.domain import wire
from outreach_tui.hub.storage import Tx
from outreach_tui.protocol.requests import BatchIn


def _unchanged(tx: Tx, table: str, values: dict[str, Any]) -> bool:
    """True when the stored row already says everything ``values`` says.

    Context rows are shared by every batch of an event; writing them only when they
    change keeps concurrent batches on PostgreSQL from queueing behind one row lock.
    """
    row = tx.one(f"SELECT * FROM {table} WHERE code = ?", (values["code"],))
    return row is not None and all(v is None or row[k] == v for k, v in values.items())


def upsert_context(tx: Tx, batch: BatchIn, now: str, *, relay: bool = False) -> None:
    # A relay carries the officers of every record it forwards; a laptop speaks for its own.
    officers = [batch.officer] if batch.officer is not None else []
    if relay:
        officers += sorted({o.code: o for o in batch.officers}.values(), key=lambda o: o.code)
    for o in officers:
        fields = {"code": o.code, "name": o.name, "branch_code": o.branch_code}
        if not _unchanged(tx, "officers", fields):
            tx.execute(
                "INSERT INTO officers (code, name, branch_code, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                "name = COALESCE(excluded.name, officers.name), "
                "branch_code = COALESCE(excluded.branch_code, officers.branch_code), "
                "updated_at = excluded.updated_at",
                (o.code, o.name, o.branch_code, now, now),
            )
    columns = wire.EVENT_FIELDS
    updates = ", ".join(f"{c} = COALESCE(excluded.{c}, events.{c})" for c in columns[1:])
    sql = (
        f"INSERT INTO events ({', '.join(columns)}, updated_at) "
        f"VALUES ({', '.join('?' * (len(columns) + 1))}) "
        f"ON CONFLICT (code) DO UPDATE SET {updates}, updated_at = excluded.updated_at"
    )
    for event in sorted({e.code: e for e in batch.events}.values(), key=lambda e: e.code):
        values = {c: getattr(event, c) for c in columns}
        if not _unchanged(tx, "events", values):
            tx.execute(sql, (*values.values(), now))
