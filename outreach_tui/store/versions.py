"""Versioned changes of a saved record: the old version kept, the new one syncs again.

Every change of a saved record (a correction, a void, a lead's call-back or conversion, an
owner's worker count) is the same steps inside the caller's write transaction, written
here once for registrations and leads: read the current row and check it may change; take
a new change number and write the next version (the UPDATE checks the version it
replaces), pending again with the version the hub already has as its ``base_version``;
keep the replaced row in ``record_history``; and append the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from outreach_tui.store import audit
from outreach_tui.store.crypto import FieldCipher, open_row, seal_row
from outreach_tui.store.database import StoreError, utc_now
from outreach_tui.store.rows import as_json, next_seqs

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

PURGED = "record purged after sync: correct it at the branch"
REASON_LIMIT = 500  # characters of a void reason kept


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


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class VersionedRecords:
    """The saved records of one entity (``registration`` in ``registrations``, ``lead`` in
    ``leads``), changed only by new versions. Every method runs inside the caller's write
    transaction, so the change, its history row and its audit entry commit together."""

    def __init__(self, entity: str, table: str, device_id: str) -> None:
        self.entity = entity
        self.table = table
        self._device_id = device_id

    def first_version(
        self, record_uuid: str, seq: int, now: str, *, officer_code: str, event_id: str | None
    ) -> dict[str, Any]:
        """The columns every new record starts with: version 1, waiting for sync, created
        (and its consent given) ``now`` by ``officer_code`` on this laptop."""
        return {
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

    def created(
        self,
        db: Transaction,
        record_uuid: str,
        *,
        action: str,
        officer_code: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """The audit entry of a new record, version 1 (``action``: ``<entity>.create``,
        spelled out where it is written, so a search for the action finds it)."""
        self._audit(db, action, record_uuid, 1, officer_code=officer_code, detail=detail)

    def _audit(
        self,
        db: Transaction,
        action: str,
        record_uuid: str,
        version: int,
        *,
        officer_code: str | None,
        detail: dict[str, Any] | None,
    ) -> None:
        audit.append(
            db,
            device_id=self._device_id,
            officer_code=officer_code,
            action=action,
            entity=self.entity,
            entity_uuid=record_uuid,
            version=version,
            detail=detail,
        )

    def row(self, db: Transaction, record_uuid: str) -> dict[str, Any] | None:
        """The stored row (sealed fields sealed), or None."""
        return db.one(f"SELECT * FROM {self.table} WHERE uuid = ?", [record_uuid])

    def current(
        self, db: Transaction, record_uuid: str, *, allow_voided: bool = False
    ) -> dict[str, Any]:
        """The stored row of a record that may change: a StoreError when there is none,
        when its personal data was purged or (unless ``allow_voided``) it is voided."""
        stored = self.row(db, record_uuid)
        if stored is None:
            raise StoreError(f"{self.entity} not found: {record_uuid}")
        if stored["voided_at"] and allow_voided:
            return stored  # voiding twice changes nothing, purged or not
        if stored["purged_at"]:
            raise StoreError(PURGED)
        if stored["voided_at"]:
            raise StoreError(f"a voided {self.entity} cannot be changed")
        return stored

    def change(
        self,
        db: Transaction,
        stored: dict[str, Any],
        changes: dict[str, Any],
        *,
        officer_code: str | None,
        action: str,
        detail: dict[str, Any],
        now: str | None = None,
    ) -> int:
        """Write ``changes`` (columns as stored: sealed where sealed) as the record's next
        version: history kept, a new seq, pending for sync again, audited. Returns the new
        version. ``stored``: the row as ``current`` read it in this transaction."""
        now = now or utc_now()
        (seq,) = next_seqs(db, 1)
        version: int = stored["version"] + 1
        columns = {**changes, "seq": seq, "version": version, "updated_at": now, **resync(stored)}
        updated = db.execute(
            f"UPDATE {self.table} SET {', '.join(f'{_quoted(c)} = ?' for c in columns)}"
            " WHERE uuid = ? AND version = ?",
            [*columns.values(), stored["uuid"], stored["version"]],
        ).rowcount
        if updated != 1:  # only a row read outside this transaction could be stale
            raise StoreError(f"{self.entity} {stored['uuid']} changed meanwhile: try again")
        keep_history(db, self.entity, stored)
        self._audit(db, action, stored["uuid"], version, officer_code=officer_code, detail=detail)
        return version

    def edit(
        self,
        db: Transaction,
        cipher: FieldCipher | None,
        record_uuid: str,
        values: dict[str, Any],
        *,
        officer_code: str,
        derived: Callable[[list[str]], dict[str, Any]] | None = None,
    ) -> list[str]:
        """A correction: ``values`` are the editable columns as the officer left them
        (plain text). When any differs from the stored row (opened), all of them are
        sealed and written as the next version (action ``<entity>.edit``), with the
        columns ``derived`` computes from the changed names (a NIK's digest). Returns
        the changed column names, sorted; none: nothing was written."""
        stored = self.current(db, record_uuid)
        opened = open_row(cipher, self.table, stored, strict=True)
        changed = sorted(name for name, value in values.items() if opened[name] != value)
        if changed:
            new = {**values, **(derived(changed) if derived else {})}
            sealed = seal_row(cipher, self.table, {**new, "uuid": record_uuid})
            del sealed["uuid"]
            self.change(
                db, stored, sealed, officer_code=officer_code, action=f"{self.entity}.edit",
                detail={"fields": changed},
            )  # fmt: skip
        return changed

    def void(
        self, db: Transaction, record_uuid: str, reason: str, *, officer_code: str
    ) -> dict[str, Any] | None:
        """Mark the record void (never a hard delete): a new version that syncs like an
        edit. Returns the row as it was before, or None when it was void already."""
        reason = reason.strip()[:REASON_LIMIT]
        if not reason:
            raise StoreError(f"a reason is required to void a {self.entity}")
        stored = self.current(db, record_uuid, allow_voided=True)
        if stored["voided_at"]:
            return None
        now = utc_now()
        self.change(
            db, stored, {"voided_at": now, "void_reason": reason}, officer_code=officer_code,
            action=f"{self.entity}.void", detail={"reason": reason}, now=now,
        )  # fmt: skip
        return stored
