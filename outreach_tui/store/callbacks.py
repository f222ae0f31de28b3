"""The call-back list: open leads whose follow-up date has come, one SQL page at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

from outreach_tui.store.crypto import open_row
from outreach_tui.store.database import Database
from outreach_tui.store.queries import RecordsPage

# Open leads only: the partial index leads_due covers exactly this condition.
_OPEN = "l.voided_at IS NULL AND l.converted_uuid IS NULL AND l.purged_at IS NULL"


class CallbackList:
    def __init__(self, database: Database) -> None:
        self._database = database

    def due(self, today: date | None, *, limit: int = 50, offset: int = 0) -> RecordsPage:
        """Open leads with a follow-up date on or before ``today`` (a local date; None: any
        date), earliest first, each with its event, officer and last call-back outcome."""
        limit = max(1, min(limit, 500))
        offset = max(0, offset)
        # '9999-12-31' for "any date" keeps one statement (and the index range scan).
        until = today.isoformat() if today is not None else "9999-12-31"
        where = f"{_OPEN} AND l.follow_up_on IS NOT NULL AND l.follow_up_on <= ?"
        with self._database.read() as db:
            (total,) = db.execute(f"SELECT count(*) FROM leads l WHERE {where}", [until]).fetchone()
            rows = list(
                db.query(
                    "SELECT l.*, e.name AS event_name, e.code AS event_code,"
                    " o.name AS officer_name,"
                    " (SELECT outcome FROM lead_callbacks c WHERE c.lead_uuid = l.uuid"
                    "  ORDER BY c.called_at DESC, c.id DESC LIMIT 1) AS last_outcome,"
                    " (SELECT count(*) FROM lead_callbacks c WHERE c.lead_uuid = l.uuid)"
                    "  AS callbacks"
                    " FROM leads l LEFT JOIN events e ON e.id = l.event_id"
                    " LEFT JOIN officers o ON o.code = l.officer_code"
                    f" WHERE {where} ORDER BY l.follow_up_on, l.created_at, l.uuid"
                    " LIMIT ? OFFSET ?",
                    [until, limit, offset],
                )
            )
        cipher = self._database.cipher
        return RecordsPage(
            rows=[open_row(cipher, "leads", row) for row in rows],
            total=total,
            offset=offset,
            limit=limit,
        )

    def history(self, lead_uuid: str) -> list[dict[str, Any]]:
        """Every call-back of one lead, oldest first."""
        with self._database.read() as db:
            return list(
                db.query(
                    "SELECT called_at, outcome, next_follow_up_on, officer_code"
                    " FROM lead_callbacks WHERE lead_uuid = ? ORDER BY called_at, id",
                    [lead_uuid],
                )
            )
