"""The core system's answers about this laptop's registrations (issue 18), as the sync
downlink stored them (``activation_outcomes``, migration 0012), read for the booth: the
records screen's outcome, and the payment-reminder list (registered, not paid yet, with
the separate reminder consent of UU 27/2022 art. 22(4))."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from outreach_tui.store.crypto import open_row
from outreach_tui.store.database import Database
from outreach_tui.store.queries import RecordsPage

_UNPAID = (
    "a.status = 'enrolled' AND a.first_paid_month IS NULL AND r.voided_at IS NULL"
    " AND r.withdrawn_at IS NULL AND r.reminder_consent_version IS NOT NULL"
)


def outcomes_for(database: Database, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """uuid -> its outcome row, for the uuids that have one (a page of the records list)."""
    if not uuids:
        return {}
    marks = ", ".join("?" * len(uuids))
    with database.read() as db:
        return {
            row["uuid"]: row
            for row in db.query(
                f"SELECT * FROM activation_outcomes WHERE uuid IN ({marks})", list(uuids)
            )
        }


def attach_outcomes(database: Database, rows: list[dict[str, Any]]) -> None:
    """Give each registration row of a page its outcome under ``activation`` (or None)."""
    found = outcomes_for(database, [row["uuid"] for row in rows])
    for row in rows:
        row["activation"] = found.get(row["uuid"])


def unpaid_reminders(database: Database, *, limit: int = 50, offset: int = 0) -> RecordsPage:
    """Registered but not paid yet, with the reminder consent and a phone still on this
    laptop: the earliest enrolment first."""
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    where = f"{_UNPAID} AND r.phone IS NOT NULL"
    with database.read() as db:
        (total,) = db.execute(
            f"SELECT count(*) FROM activation_outcomes a JOIN registrations r ON r.uuid = a.uuid"
            f" WHERE {where}"
        ).fetchone()
        rows = list(
            db.query(
                "SELECT r.uuid, r.reference_no, r.full_name, r.phone, r.officer_code,"
                " o.name AS officer_name, a.kpj, a.enrolled_on"
                " FROM activation_outcomes a JOIN registrations r ON r.uuid = a.uuid"
                " LEFT JOIN officers o ON o.code = r.officer_code"
                f" WHERE {where} ORDER BY a.enrolled_on, r.uuid LIMIT ? OFFSET ?",
                [limit, offset],
            )
        )
    cipher = database.cipher
    return RecordsPage([open_row(cipher, "registrations", r) for r in rows], total, offset, limit)


def unpaid_minimised(database: Database) -> int:
    """Registered-but-not-paid people with the reminder consent whose phone the purge has
    already removed from this laptop (the branch reminds them)."""
    with database.read() as db:
        (count,) = db.execute(
            "SELECT count(*) FROM activation_outcomes a JOIN registrations r ON r.uuid = a.uuid"
            f" WHERE {_UNPAID} AND r.phone IS NULL"
        ).fetchone()
    return int(count)
