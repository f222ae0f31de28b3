"""Leads: visitors who listened but did not register today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import consent
from outreach_tui.domain.callbacks import CLOSING, OUTCOMES
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.models import Lead, SavedRecord
from outreach_tui.store import drafts
from outreach_tui.store.crypto import open_row, seal_row, write_cipher
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.drafts import DraftKey
from outreach_tui.store.rows import next_seqs, reference_number, to_row
from outreach_tui.store.versions import VersionedRecords

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

ENTITY = "lead"
TABLE = "leads"
EDITABLE = frozenset({"full_name", "phone", "sector", "interest", "follow_up_on", "notes"})


def record_callback_row(
    db: Transaction,
    lead_uuid: str,
    outcome: str,
    next_follow_up_on: str | None,
    *,
    officer_code: str,
) -> None:
    """One line of the lead's call-back history (local to this laptop; no personal data)."""
    db.execute(
        "INSERT INTO lead_callbacks (lead_uuid, called_at, outcome, next_follow_up_on,"
        " officer_code) VALUES (?, ?, ?, ?, ?)",
        [lead_uuid, utc_now(), outcome, next_follow_up_on, officer_code],
    )


def require_consent(lead: Lead) -> None:
    """No lead without consent to be contacted and the text version it was given under
    (the schema refuses it too). Either kind of text is accepted for now: the booth showed
    the registration text before the contact text existed."""
    version = (lead.consent_version or "").strip()
    if lead.consent_contact is not True or not version:
        raise StoreError("consent required: the visitor did not agree to be contacted")
    text = consent.get(version)
    if text is None or text.kind == "reminder":  # reminders are a registration's consent
        raise StoreError(f"consent required: unknown consent text {version!r}")


class LeadStore:
    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._versions = VersionedRecords(ENTITY, TABLE, device_id)

    def save(
        self,
        lead: Lead,
        *,
        officer_code: str,
        event_id: str | None,
        discard_drafts: Iterable[DraftKey] = (),
    ) -> SavedRecord:
        """A new lead; ``discard_drafts`` (the form's draft) go in the same transaction."""
        require_consent(lead)
        record_uuid = new_uuid()
        now = utc_now()
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            (seq,) = next_seqs(db, 1)
            row = {
                **to_row(lead),
                **self._versions.first_version(
                    record_uuid, seq, now, officer_code=officer_code, event_id=event_id
                ),
            }
            db.table("leads").insert(seal_row(cipher, TABLE, row))
            self._versions.created(db, record_uuid, action="lead.create", officer_code=officer_code)
            drafts.discard_in(db, discard_drafts)
        return SavedRecord(record_uuid, seq, reference_number(record_uuid), 1, now)

    def void(self, record_uuid: str, reason: str, *, officer_code: str) -> None:
        with self._database.write() as db:
            self._versions.void(db, record_uuid, reason, officer_code=officer_code)

    def edit(self, record_uuid: str, lead: Lead, *, officer_code: str) -> SavedRecord:
        """Correct a lead: a new version that syncs again; the old one is kept. Consent is
        not editable (the visitor gave it once, under the text they heard)."""
        require_consent(lead)
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            editable = {k: v for k, v in to_row(lead).items() if k in EDITABLE}
            self._versions.edit(db, cipher, record_uuid, editable, officer_code=officer_code)
            return self._saved(db, record_uuid)

    def mark_converted(
        self, record_uuid: str, registration_uuid: str, *, officer_code: str
    ) -> SavedRecord:
        """The lead registered after all: the link syncs, so the hub counts the conversion,
        and the lead leaves the call-back list."""
        with self._database.write() as db:
            stored = self._versions.current(db, record_uuid)
            if stored["converted_uuid"] != registration_uuid:
                self._versions.change(
                    db, stored, {"converted_uuid": registration_uuid, "follow_up_on": None},
                    officer_code=officer_code, action="lead.convert",
                    detail={"registration": registration_uuid},
                )  # fmt: skip
                record_callback_row(db, record_uuid, "registered", None, officer_code=officer_code)
            return self._saved(db, record_uuid)

    def record_callback(
        self,
        record_uuid: str,
        outcome: str,
        *,
        next_follow_up_on: date | None,
        officer_code: str,
    ) -> SavedRecord:
        """What came of a call-back. The lead's follow-up date moves to ``next_follow_up_on``
        (a new version that syncs) or, for an outcome that closes the lead, is cleared."""
        if outcome not in OUTCOMES or outcome == "registered":
            raise StoreError(f"unknown call-back outcome: {outcome[:40]!r}")
        follow_up = None if outcome in CLOSING else next_follow_up_on
        if outcome not in CLOSING and follow_up is None:
            raise StoreError("a next call-back date is required for this outcome")
        with self._database.write() as db:
            stored = self._versions.current(db, record_uuid)
            if stored["converted_uuid"]:
                raise StoreError("this lead has registered already")
            new_date = follow_up.isoformat() if follow_up else None
            if new_date != stored["follow_up_on"]:
                self._versions.change(
                    db, stored, {"follow_up_on": new_date}, officer_code=officer_code,
                    action="lead.callback", detail={"outcome": outcome, "next": new_date},
                )  # fmt: skip
            record_callback_row(db, record_uuid, outcome, new_date, officer_code=officer_code)
            return self._saved(db, record_uuid)

    # -- internals --------------------------------------------------------------------------

    @staticmethod
    def _saved(db: Transaction, record_uuid: str) -> SavedRecord:
        row = next(iter(db.query(
            "SELECT uuid, seq, version, created_at FROM leads WHERE uuid = ?", [record_uuid]
        )))  # fmt: skip
        return SavedRecord(
            row["uuid"], row["seq"], reference_number(row["uuid"]), row["version"],
            row["created_at"],
        )  # fmt: skip

    def get(self, record_uuid: str) -> dict[str, Any] | None:
        """The row, personal fields opened (``•••`` while encryption is locked)."""
        with self._database.read() as db:
            rows = list(db.query("SELECT * FROM leads WHERE uuid = ?", [record_uuid]))
        return open_row(self._database.cipher, TABLE, rows[0]) if rows else None
