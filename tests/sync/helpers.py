"""Helpers shared by the sync tests: receipts as the hub shapes them, raw SQLite reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from outreach_tui.store.sync_queue import OutgoingBatch

HUB_ID = "0196a000-0000-7000-8000-00000000a001"


def receipt(batch: OutgoingBatch, outcome: str = "accepted", **by_uuid: Any) -> dict[str, Any]:
    """The hub's answer to ``batch``: every record ``outcome`` unless ``by_uuid`` says
    otherwise (a string outcome, or a dict with outcome/code/field/message)."""
    results = []
    for record in batch.records:
        special = by_uuid.get(record["uuid"], outcome)
        special = {"outcome": special} if isinstance(special, str) else special
        results.append(
            {"uuid": record["uuid"], "version": record["version"], "code": None,
             "field": None, "message": None, **special}
        )  # fmt: skip
    return {"batch_id": batch.batch_id, "hub_id": HUB_ID, "received_at": "2026-11-23T10:00:00Z",
            "replayed": False, "results": results}  # fmt: skip


def rows(path: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def scalar(path: Path, sql: str, params: tuple = ()) -> Any:
    return next(iter(rows(path, sql, params)[0].values()))


def execute(path: Path, sql: str, params: tuple = ()) -> None:
    """A change made behind the app's back (another tool, a damaged run)."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()
