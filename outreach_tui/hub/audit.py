"""The hub's append-only audit log (triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

import json
from typing import Any

from outreach_tui.hub.storage import Storage, Tx, utc_now


def append(tx: Tx, action: str, *, actor: str | None, **detail: Any) -> None:
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        (utc_now(), actor, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


def entries(
    storage: Storage,
    *,
    limit: int = 100,
    before_id: int | None = None,
    action: str | None = None,
) -> list[dict[str, Any]]:
    """Newest first, paged by id: ``[{id, at, actor, action, detail}]`` (detail parsed)."""
    where: list[str] = []
    params: list[Any] = []
    if before_id is not None:
        where.append("id < ?")
        params.append(before_id)
    if action:
        where.append("(action = ? OR action LIKE ?)")
        params += [action, f"{action}.%"]
    sql = "SELECT id, at, actor, action, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    with storage.read() as tx:
        rows = tx.all(sql, params)
    return [
        {**row, "id": int(row["id"]), "detail": json.loads(row["detail"] or "null")} for row in rows
    ]
