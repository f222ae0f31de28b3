"""Withdrawal of a registration's consent (UU 27/2022; docs/PRIVACY.md section 1).

A withdrawal is a new version of the record, like a void: it syncs to the hub, which stops
processing too. Processing stops within 3×24 hours of the request: the deadline is
recorded with it (``withdrawal_due_at``) and shown; on this laptop the record leaves the
exports and any reminder list at once. A withdrawal is final (a trigger of migration 0010
refuses clearing it) and audited (``consent.withdraw``).
"""

from __future__ import annotations

from dataclasses import dataclass

from outreach_tui.domain.consent import withdrawal_due
from outreach_tui.store import versions
from outreach_tui.store.database import Database, StoreError, utc_now

ENTITY = "registration"


class WithdrawalError(StoreError):
    """Why a withdrawal cannot be recorded here: ``code`` is not_found | purged | voided |
    reason_required (message keys ``withdrawal.<code>``)."""

    def __init__(self, code: str, reference: str) -> None:
        super().__init__(f"withdrawal {code}: {reference}")
        self.code = code
        self.reference = reference


@dataclass(frozen=True)
class Withdrawal:
    uuid: str
    reference_no: str
    withdrawn_at: str  # UTC
    due_at: str  # UTC: withdrawn_at + 3×24 hours
    reason: str
    already: bool = False  # withdrawn before this call (nothing changed)


def withdraw(
    database: Database, device_id: str, reference_no: str, reason: str, *, officer_code: str
) -> Withdrawal:
    """Record that the participant withdrew their registration consent."""
    reference_no = reference_no.strip().upper()
    reason = reason.strip()
    if not reason:
        raise WithdrawalError("reason_required", reference_no)
    with database.write() as db:
        rows = list(db.query("SELECT * FROM registrations WHERE reference_no = ?", [reference_no]))
        if not rows:
            raise WithdrawalError("not_found", reference_no)
        row = rows[0]
        if row["withdrawn_at"]:
            return Withdrawal(row["uuid"], reference_no, row["withdrawn_at"],
                              row["withdrawal_due_at"], row["withdrawal_reason"] or "",
                              already=True)  # fmt: skip
        if row["purged_at"]:
            raise WithdrawalError("purged", reference_no)
        if row["voided_at"]:
            raise WithdrawalError("voided", reference_no)
        now = utc_now()
        deadline = withdrawal_due(now)
        records = versions.VersionedRecords(ENTITY, "registrations", device_id)
        records.change(
            db, row,
            {"withdrawn_at": now, "withdrawal_reason": reason[:300], "withdrawal_due_at": deadline},
            officer_code=officer_code, action="consent.withdraw", now=now,
            detail={"reference_no": reference_no, "reason": reason[:300], "due_at": deadline},
        )  # fmt: skip
    return Withdrawal(row["uuid"], reference_no, now, deadline, reason[:300])
