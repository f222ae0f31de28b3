"""Registrations (owners and their workers) in the officer's file.

Accepts only validated ``Registration`` records (see domain.validation), so the store
never second-guesses the rules; the schema's CHECK constraints are the last line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import consent
from outreach_tui.domain.household import household_problems
from outreach_tui.domain.ids import new_uuid
from outreach_tui.domain.models import Registration, Role, SavedRecord, SavedRegistration
from outreach_tui.store import drafts, nik_keys, versions
from outreach_tui.store.crypto import FieldCipher, open_row, seal_row, write_cipher
from outreach_tui.store.database import Database, StoreError, utc_now
from outreach_tui.store.drafts import DraftKey
from outreach_tui.store.rows import next_seqs, reference_number, to_row

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

ENTITY = "registration"
TABLE = "registrations"


def require_consent(record: Registration) -> None:
    """No registration is saved without the version of the consent text it was given
    under (the schema refuses it too: triggers in migration 0004)."""
    version = (record.consent_version or "").strip()
    if not version:
        raise StoreError("consent required: the participant's consent is not recorded")
    if not consent.is_known(version, "registration"):
        raise StoreError(f"consent required: unknown registration consent text {version!r}")


# Columns an edit may change; identity, provenance and sync bookkeeping are not among them,
# nor an owner's workers_count: that is the number of live worker rows, kept by the store.
EDITABLE = (
    "path", "nik", "full_name", "birth_date", "sex", "birth_place", "phone", "email",
    "address", "province_code", "business_name", "sector",
    "declared_income", "programs", "payment_months", "monthly_normal", "monthly_due",
    "estimate", "ref_version", "consent_version", "occupation", "work_location",
    "working_hours", "postal_code", "income_band",
    "reminder_consent_version", "guardian_name", "guardian_relation", "guardian_consent",
)  # fmt: skip


def check_household(
    owner_nik: str | None, saved_worker_niks: Sequence[str], workers: Sequence[Registration]
) -> None:
    """The household rules (domain.household) as the last line before the write: the
    form says the same per row, so this refuses only what bypassed it."""
    problems = household_problems(
        {row: worker.nik for row, worker in enumerate(workers, start=1)},
        owner_nik=owner_nik,
        saved_worker_niks=[n for n in saved_worker_niks if n],
        live_workers=len(saved_worker_niks),
    )
    if problems:
        row, found = min(problems.items())
        raise StoreError(f"worker {row}: {found[0].message('en')}")


def _branch_of(db: Transaction, event_id: str | None, officer_code: str) -> str | None:
    """The laptop's branch for a save: the event's, else the officer's (outreach init)."""
    row = db.execute(
        "SELECT COALESCE((SELECT branch_code FROM events WHERE id = ?),"
        " (SELECT branch_code FROM officers WHERE code = ?))",
        [event_id, officer_code],
    ).fetchone()
    return row[0] if row else None


class RegistrationStore:
    def __init__(self, database: Database, device_id: str) -> None:
        self._database = database
        self._versions = versions.VersionedRecords(ENTITY, TABLE, device_id)

    # -- writes ---------------------------------------------------------------------------

    def save(
        self,
        owner: Registration,
        workers: Sequence[Registration] = (),
        *,
        officer_code: str,
        event_id: str | None,
        discard_drafts: Iterable[DraftKey] = (),
    ) -> SavedRegistration:
        """Finalise an owner and their workers in one durable transaction (which also
        deletes ``discard_drafts``, the form's draft: saved and draft never both stay)."""
        if owner.role is not Role.OWNER:
            raise ValueError("the first record must be the owner")
        if any(worker.role is not Role.WORKER for worker in workers):
            raise ValueError("only workers may follow the owner")
        for record in (owner, *workers):
            require_consent(record)
        check_household(owner.nik, [], workers)
        # The typed count only says how many worker rows the form offers next; stored is
        # the number of worker rows there are (add_workers and void keep it so).
        owner = replace(owner, workers_count=len(workers))
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            seqs = next_seqs(db, 1 + len(workers))
            saved_owner = self._insert(db, cipher, owner, seqs[0], None, officer_code, event_id)
            saved_workers = tuple(
                self._insert(db, cipher, worker, seq, saved_owner.uuid, officer_code, event_id)
                for worker, seq in zip(workers, seqs[1:], strict=True)
            )
            self._versions.created(
                db, saved_owner.uuid, action="registration.create", officer_code=officer_code,
                detail={"workers": [w.uuid for w in saved_workers]},
            )  # fmt: skip
            drafts.discard_in(db, discard_drafts)
        return SavedRegistration(saved_owner, saved_workers)

    def add_workers(
        self,
        owner_uuid: str,
        workers: Sequence[Registration],
        *,
        officer_code: str,
        discard_drafts: Iterable[DraftKey] = (),
    ) -> tuple[SavedRecord, ...]:
        """Register more workers under an owner saved earlier (right after the owner, or
        later from the records screen). The owner's workers_count follows, as a new
        version of the owner that syncs like any correction. ``discard_drafts``: the
        workers' form draft, deleted in the same transaction."""
        for record in workers:
            require_consent(record)
            if record.role is not Role.WORKER:
                raise ValueError("only workers may be added under an owner")
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)
            owner = self._row(db, owner_uuid)
            if owner is None or owner["role"] != Role.OWNER:
                raise StoreError(f"owner not found: {owner_uuid}")
            if owner["voided_at"]:
                raise StoreError("a voided owner cannot get workers")
            opened = open_row(cipher, TABLE, owner, strict=True)
            live = [open_row(cipher, TABLE, row, strict=True) for row in db.query(
                "SELECT * FROM registrations WHERE owner_uuid = ? AND voided_at IS NULL",
                [owner_uuid])]  # fmt: skip
            check_household(opened["nik"], [w["nik"] for w in live], workers)
            # The owner's new version first, so it travels before its new workers.
            self._set_workers_count(db, owner, len(live) + len(workers), officer_code)
            seqs = next_seqs(db, len(workers))
            saved = tuple(
                self._insert(db, cipher, worker, seq, owner_uuid, officer_code, owner["event_id"])
                for worker, seq in zip(workers, seqs, strict=True)
            )
            for added in saved:
                self._versions.created(
                    db, added.uuid, action="registration.create", officer_code=officer_code,
                    detail={"owner": owner_uuid},
                )  # fmt: skip
            drafts.discard_in(db, discard_drafts)
        return saved

    def live_workers(self, owner_uuid: str) -> int:
        """The owner's worker rows that are not voided: the household's worker count."""
        count: int
        with self._database.read() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM registrations WHERE owner_uuid = ? AND voided_at IS NULL",
                [owner_uuid],
            ).fetchone()
        return count

    def edit(self, record_uuid: str, record: Registration, *, officer_code: str) -> SavedRecord:
        """Correct a registration: a new version that syncs again; the old one is kept."""
        require_consent(record)
        with self._database.write() as db:
            cipher = write_cipher(db, self._database)

            def derived(changed: list[str]) -> dict[str, Any]:
                extra: dict[str, Any] = {}
                if "reminder_consent_version" in changed:  # given (or taken back) now
                    extra["reminder_consent_at"] = (
                        utc_now() if record.reminder_consent_version else None
                    )
                if "nik" in changed:
                    extra["nik_digest"], extra["nik_key_id"] = nik_keys.digest_with(
                        db, cipher, record.nik
                    )
                return extra

            editable = {k: v for k, v in to_row(record).items() if k in EDITABLE}
            self._versions.edit(
                db, cipher, record_uuid, editable, officer_code=officer_code, derived=derived
            )
            return self._saved(self._row(db, record_uuid))

    def void(self, record_uuid: str, reason: str, *, officer_code: str) -> SavedRecord:
        """Mark a registration void (never a hard delete); the void syncs like an edit."""
        with self._database.write() as db:
            was = self._versions.void(db, record_uuid, reason, officer_code=officer_code)
            if was is not None and was["role"] == Role.WORKER and was["owner_uuid"]:
                owner = self._row(db, was["owner_uuid"])
                (live,) = db.execute(
                    "SELECT count(*) FROM registrations WHERE owner_uuid = ? AND voided_at IS NULL",
                    [was["owner_uuid"]],
                ).fetchone()
                self._set_workers_count(db, owner, live, officer_code)
            return self._saved(self._row(db, record_uuid))

    # -- reads ----------------------------------------------------------------------------

    def get(self, record_uuid: str) -> dict[str, Any] | None:
        """The row, personal fields opened (``•••`` while encryption is locked)."""
        with self._database.read() as db:
            row = self._row(db, record_uuid)
        return None if row is None else self._open(row)

    def workers_of(self, owner_uuid: str) -> list[dict[str, Any]]:
        with self._database.read() as db:
            rows = list(
                db.query(
                    "SELECT * FROM registrations WHERE owner_uuid = ? ORDER BY seq", [owner_uuid]
                )
            )
        return [self._open(row) for row in rows]

    def find_by_nik(self, nik: str, *, include_voided: bool = False) -> list[dict[str, Any]]:
        """Earlier registrations of the same NIK on this device, for duplicate warnings:
        by the NIK itself, or by its keyed hash (purged or encrypted rows)."""
        with self._database.read() as db:
            digests = nik_keys.candidates(db, self._database.cipher, nik)
            sql = "SELECT * FROM registrations WHERE (nik = ?"
            if digests:
                sql += f" OR nik_digest IN ({','.join('?' * len(digests))})"
            sql += ")" + ("" if include_voided else " AND voided_at IS NULL")
            rows = list(db.query(sql + " ORDER BY created_at", [nik, *digests]))
        return [self._open(row) for row in rows]

    def history(self, record_uuid: str) -> list[dict[str, Any]]:
        with self._database.read() as db:
            rows = db.query(
                "SELECT version, data, replaced_at FROM record_history"
                " WHERE entity = ? AND uuid = ? ORDER BY version",
                [ENTITY, record_uuid],
            )
            return [
                {**self._open(json.loads(r["data"])), "replaced_at": r["replaced_at"]} for r in rows
            ]

    # -- internals ------------------------------------------------------------------------

    def _insert(
        self,
        db: Transaction,
        cipher: FieldCipher | None,
        record: Registration,
        seq: int,
        owner_uuid: str | None,
        officer_code: str,
        event_id: str | None,
    ) -> SavedRecord:
        record_uuid = new_uuid()
        now = utc_now()
        if record.role is Role.WORKER:
            record = replace(record, workers_count=0)
        if record.branch_code is None:
            record = replace(record, branch_code=_branch_of(db, event_id, officer_code))
        row = {
            **to_row(record),
            **self._versions.first_version(
                record_uuid, seq, now, officer_code=officer_code, event_id=event_id
            ),
            "reference_no": reference_number(record_uuid),
            "owner_uuid": owner_uuid,
            "reminder_consent_at": now if record.reminder_consent_version else None,
        }
        row["nik_digest"], row["nik_key_id"] = nik_keys.digest_with(db, cipher, record.nik)
        db.table("registrations").insert(seal_row(cipher, TABLE, row))
        return SavedRecord(record_uuid, seq, row["reference_no"], 1, now)

    def _open(self, row: dict[str, Any]) -> dict[str, Any]:
        return open_row(self._database.cipher, TABLE, row)

    def _row(self, db: Transaction, record_uuid: str) -> dict[str, Any] | None:
        return self._versions.row(db, record_uuid)

    def _set_workers_count(
        self, db: Transaction, owner: dict[str, Any] | None, live: int,
        officer_code: str,
    ) -> None:  # fmt: skip
        """Set the owner's workers_count to ``live`` (its live worker rows): a new version
        of the owner (history kept, synced again), or nothing when it is already right."""
        if owner is None or owner["purged_at"] or owner["voided_at"]:
            return
        if owner["workers_count"] == live:
            return
        self._versions.change(
            db, owner, {"workers_count": live}, officer_code=officer_code,
            action="registration.edit", detail={"fields": ["workers_count"], "workers_count": live},
        )  # fmt: skip

    @staticmethod
    def _saved(row: dict[str, Any] | None) -> SavedRecord:
        assert row is not None
        return SavedRecord(
            row["uuid"], row["seq"], row["reference_no"], row["version"], row["created_at"]
        )
