"""Withdrawals of consent at the hub (UU 27/2022; docs/PRIVACY.md section 1).

Two ways in: a laptop's record version carrying ``withdrawn_at`` (noted at ingest, in the
batch's transaction), or a supervisor at the branch (`outreach hub withdraw`), for a
participant who asks there — also for a record the laptop has already purged. Processing
stops by ``due_at`` (3×24 hours after the request): the hub's exports and duplicate review
leave a withdrawn record out (``NOT_WITHDRAWN``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from outreach_tui.domain.consent import withdrawal_due
from outreach_tui.hub import audit, case_queue
from outreach_tui.hub.storage import Storage, Tx, utc_now

# For queries over `records` (aliased or not): the record has no withdrawal.
NOT_WITHDRAWN = "uuid NOT IN (SELECT uuid FROM withdrawals)"

INSERT = (
    "INSERT INTO withdrawals (uuid, reference_no, requested_at, due_at, reason, source, actor,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING"
)
_REFERENCE = {
    "sqlite": "json_extract(data, '$.reference_no')",
    "postgres": "(data::jsonb ->> 'reference_no')",
}


class WithdrawalNotFound(LookupError):
    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def note_from_laptops(tx: Tx, records: Iterable[Any]) -> None:
    """The withdrawals among records just stored (``RecordIn``): one row each, once."""
    rows = [
        (r.uuid, r.data.get("reference_no") or "", r.data["withdrawn_at"],
         withdrawal_due(r.data["withdrawn_at"]), r.data.get("withdrawal_reason"), "laptop",
         r.data.get("officer_code"), utc_now())
        for r in records
        if r.entity == "registration" and r.data.get("withdrawn_at")
    ]  # fmt: skip
    if rows:
        tx.executemany(INSERT, rows)
        for row in rows:
            audit.append(tx, "consent.withdraw", actor=row[6], uuid=row[0], reference_no=row[1],
                         source="laptop", due_at=row[3])  # fmt: skip


def withdraw(storage: Storage, reference_no: str, reason: str, *, actor: str) -> dict[str, Any]:
    """Record a withdrawal asked for at the branch; the existing one when already withdrawn."""
    reference_no = reference_no.strip().upper()
    expression = _REFERENCE[storage.dialect]

    def work(tx: Tx) -> dict[str, Any]:
        found = tx.one(
            f"SELECT uuid FROM records WHERE entity = 'registration' AND {expression} = ?",
            (reference_no,),
        )
        if found is None:
            raise WithdrawalNotFound(reference_no)
        held = tx.one("SELECT * FROM withdrawals WHERE uuid = ?", (found["uuid"],))
        if held is not None:
            return {**dict(held), "already": True}
        now = utc_now()
        row = (found["uuid"], reference_no, now, withdrawal_due(now), reason.strip()[:300],
               "hub", actor, now)  # fmt: skip
        tx.execute(INSERT, row)
        touched = case_queue.Touched()
        touched.add_records(tx, [row[0]])
        case_queue.refresh(tx, touched)  # the record leaves the duplicate review
        audit.append(tx, "consent.withdraw", actor=actor, uuid=row[0], reference_no=reference_no,
                     source="hub", due_at=row[3], reason=row[4])  # fmt: skip
        return {**dict(tx.one("SELECT * FROM withdrawals WHERE uuid = ?", (row[0],)) or {}),
                "already": False}  # fmt: skip

    return storage.write(work)


def listing(storage: Storage) -> list[dict[str, Any]]:
    """Every withdrawal, the newest request first."""
    with storage.read() as tx:
        return [dict(r) for r in tx.all(
            "SELECT uuid, reference_no, requested_at, due_at, reason, source, actor, recorded_at"
            " FROM withdrawals ORDER BY requested_at DESC, uuid")]  # fmt: skip
