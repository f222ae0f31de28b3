"""Append-only audit log: who did what to which record, and when.

The table refuses UPDATE and DELETE through triggers, so not even the store can rewrite it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach_tui.store.database import Database, utc_now
from outreach_tui.store.rows import as_json

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    officer_code: str | None
    device_id: str
    action: str
    entity: str | None
    entity_uuid: str | None
    version: int | None
    detail: dict[str, Any] | None


def append(
    db: Transaction,
    *,
    device_id: str,
    action: str,
    officer_code: str | None = None,
    entity: str | None = None,
    entity_uuid: str | None = None,
    version: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one entry inside the caller's transaction (so it commits with the change)."""
    db.execute(
        "INSERT INTO audit_log (at, officer_code, device_id, action, entity, entity_uuid,"
        " version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            utc_now(),
            officer_code,
            device_id,
            action,
            entity,
            entity_uuid,
            version,
            as_json(detail) if detail is not None else None,
        ],
    )


class AuditLog:
    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._device_id = device_id

    def record(self, action: str, **kwargs: Any) -> None:
        with self._database.write() as db:
            append(db, device_id=self._device_id, action=action, **kwargs)

    def entries(
        self, *, entity_uuid: str | None = None, limit: int = 100, before_id: int | None = None
    ) -> list[AuditEntry]:
        """Newest first, paged by id."""
        where: list[str] = []
        params: list[str | int] = []
        if entity_uuid:
            where.append("entity_uuid = ?")
            params.append(entity_uuid)
        if before_id is not None:
            where.append("id < ?")
            params.append(before_id)
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._database.read() as db:
            rows = list(db.query(sql, params))
        return [
            AuditEntry(**{**row, "detail": json.loads(row["detail"]) if row["detail"] else None})
            for row in rows
        ]
