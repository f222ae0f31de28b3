"""Versioned changes of a saved record: the old version kept, the new one syncs again.

Every change of a saved record (a correction, a void, a lead's call-back or conversion)
follows the same three steps inside the caller's write transaction: keep the current row
in ``record_history``, take a new change number, and mark the record pending again with
the version the hub already has as its ``base_version``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from outreach_tui.store.database import utc_now
from outreach_tui.store.rows import as_json, next_seqs

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction


def keep_history(db: Transaction, entity: str, stored: dict[str, Any]) -> None:
    """The row as it is now (sealed fields stay sealed), before a new version replaces it."""
    db.execute(
        "INSERT INTO record_history (entity, uuid, version, data, replaced_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [entity, stored["uuid"], stored["version"], as_json(stored), utc_now()],
    )


def resync(stored: dict[str, Any]) -> dict[str, Any]:
    """Sync columns for a changed record: pending again, based on what the hub has."""
    acknowledged = stored["sync_state"] in ("synced", "duplicate")
    return {
        "sync_state": "pending",
        "base_version": stored["version"] if acknowledged else stored["base_version"],
        "sync_code": None,
        "sync_field": None,
        "sync_message": None,
    }


def next_version(
    db: Transaction, entity: str, stored: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    """The columns that make ``changes`` the record's next version (history kept)."""
    keep_history(db, entity, stored)
    (seq,) = next_seqs(db, 1)
    return {
        **changes,
        "seq": seq,
        "version": stored["version"] + 1,
        "updated_at": utc_now(),
        **resync(stored),
    }
