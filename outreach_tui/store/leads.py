"""Leads: visitors who listened but did not register today."""

from __future__ import annotations

from typing import Any

from outreach_tui.domain import consent
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.models import Lead, SavedRecord
from outreach_tui.store import audit
from outreach_tui.store.crypto import open_row, seal_row, write_cipher
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.rows import as_json, next_seqs, reference_number, to_row

ENTITY = "lead"
TABLE = "leads"


def require_consent(lead: Lead) -> None:
    """No lead without consent to be contacted and the text version it was given under
    (the schema refuses it too). Either kind of text is accepted for now: the booth showed
    the registration text before the contact text existed."""
    version = (lead.consent_version or "").strip()
    if lead.consent_contact is not True or not version:
        raise StoreError("consent required: the visitor did not agree to be contacted")
    if not consent.is_known(version):
        raise StoreError(f"consent required: unknown consent text {version!r}")


class LeadStore:
    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._device_id = device_id

    def save(self, lead: Lead, *, officer_code: str, event_id: str | None) -> SavedRecord:
        require_consent(lead)
        record_uuid = new_uuid()
        now = utc_now()
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            (seq,) = next_seqs(db, 1)
            row = {
                **to_row(lead),
                "uuid": record_uuid,
                "seq": seq,
                "consent_at": now,
                "officer_code": officer_code,
                "event_id": event_id,
                "device_id": self._device_id,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "sync_state": "pending",
            }
            db["leads"].insert(seal_row(cipher, TABLE, row))
            audit.append(
                db,
                device_id=self._device_id,
                officer_code=officer_code,
                action="lead.create",
                entity=ENTITY,
                entity_uuid=record_uuid,
                version=1,
            )
        return SavedRecord(record_uuid, seq, reference_number(record_uuid), 1, now)

    def void(self, record_uuid: str, reason: str, *, officer_code: str) -> None:
        reason = reason.strip()
        if not reason:
            raise StoreError("a reason is required to void a lead")
        with self._database.write() as db:
            rows = list(db.query("SELECT * FROM leads WHERE uuid = ?", [record_uuid]))
            if not rows:
                raise StoreError(f"lead not found: {record_uuid}")
            current = rows[0]
            if current["voided_at"]:
                return
            if current["purged_at"]:
                raise StoreError("record purged after sync: correct it at the branch")
            db.execute(
                "INSERT INTO record_history (entity, uuid, version, data, replaced_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [ENTITY, record_uuid, current["version"], as_json(current), utc_now()],
            )
            (seq,) = next_seqs(db, 1)
            now = utc_now()
            acknowledged = current["sync_state"] in ("synced", "duplicate")
            db["leads"].update(
                record_uuid,
                {
                    "voided_at": now,
                    "void_reason": reason[:500],
                    "seq": seq,
                    "version": current["version"] + 1,
                    "updated_at": now,
                    "sync_state": "pending",
                    "base_version": current["version"] if acknowledged else current["base_version"],
                    "sync_code": None,
                    "sync_field": None,
                    "sync_message": None,
                },
            )
            audit.append(
                db,
                device_id=self._device_id,
                officer_code=officer_code,
                action="lead.void",
                entity=ENTITY,
                entity_uuid=record_uuid,
                version=current["version"] + 1,
                detail={"reason": reason[:500]},
            )

    def get(self, record_uuid: str) -> dict[str, Any] | None:
        """The row, personal fields opened (``•••`` while encryption is locked)."""
        with self._database.read() as db:
            rows = list(db.query("SELECT * FROM leads WHERE uuid = ?", [record_uuid]))
        return open_row(self._database.cipher, TABLE, rows[0]) if rows else None
