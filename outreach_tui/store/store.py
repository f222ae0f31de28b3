"""The officer's local store: one object that opens, migrates and exposes the file."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from outreach_tui import files
from outreach_tui.domain.ids import new_uuid
from outreach_tui.store.database import Database, StoreError
from outreach_tui.store.migrations import current_version, latest_version, migrate
from outreach_tui.store.queries import BoothQueries
from outreach_tui.store.setup import SettingsStore, SetupStore

if TYPE_CHECKING:
    from outreach_tui.store.audit import AuditLog
    from outreach_tui.store.callbacks import CallbackList
    from outreach_tui.store.consent_withdrawal import Withdrawal
    from outreach_tui.store.drafts import DraftStore
    from outreach_tui.store.encryption import KeyVault
    from outreach_tui.store.leads import LeadStore
    from outreach_tui.store.officers_auth import OfficerAuth
    from outreach_tui.store.purge import PurgeReport
    from outreach_tui.store.registrations import RegistrationStore


@dataclass(frozen=True)
class StoreSummary:
    schema_version: int
    latest_schema_version: int
    owners: int
    workers: int
    leads: int
    voided: int
    pending_sync: int
    rejected: int
    conflicts: int


class Store:
    """Open (creating and migrating if needed) the SQLite file at ``path``."""

    def __init__(self, path: str | Path, *, create: bool = True, migrate_schema: bool = True):
        self.database = Database(path, create=create)
        try:
            if migrate_schema:
                migrate(self.database)
            self.settings = SettingsStore(self.database)
            self.device_id = self._ensure_device_id()
            if self.settings.get("crypto") is not None:
                self.crypto.load_session()  # a key left by `outreach unlock`, if still valid
        except sqlite3.DatabaseError as exc:
            self.database.close()
            raise StoreError(
                f"{self.database.path} is not a usable outreach database: {exc}"
            ) from exc
        self.setup = SetupStore(self.database)
        self.queries = BoothQueries(self.database)

    # The writers (and the row/audit helpers they import) are built on first use: opening
    # the store for the booth's start-up only reads.
    @cached_property
    def registrations(self) -> RegistrationStore:
        from outreach_tui.store.registrations import RegistrationStore

        return RegistrationStore(self.database, self.device_id)

    def withdraw_consent(self, reference_no: str, reason: str, *, officer_code: str) -> Withdrawal:
        """The participant withdraws their registration consent (store/consent_withdrawal)."""
        from outreach_tui.store.consent_withdrawal import withdraw

        return withdraw(self.database, self.device_id, reference_no, reason,
                        officer_code=officer_code)  # fmt: skip

    @cached_property
    def leads(self) -> LeadStore:
        from outreach_tui.store.leads import LeadStore

        return LeadStore(self.database, self.device_id)

    @cached_property
    def callbacks(self) -> CallbackList:
        from outreach_tui.store.callbacks import CallbackList

        return CallbackList(self.database)

    @cached_property
    def drafts(self) -> DraftStore:
        """Forms in progress (local only, never synced): store/drafts.py."""
        from outreach_tui.store.drafts import DraftStore

        return DraftStore(self.database)

    @cached_property
    def audit(self) -> AuditLog:
        from outreach_tui.store.audit import AuditLog

        return AuditLog(self.database, self.device_id)

    @cached_property
    def crypto(self) -> KeyVault:
        """Optional field encryption: status, enable, unlock, lock, recover."""
        from outreach_tui.store.encryption import KeyVault

        return KeyVault(self.database, self.device_id)

    @cached_property
    def officers(self) -> OfficerAuth:
        """Officer sign-in: ``set_pin``, ``verify_pin``, ``has_pin``, ``clear_pin``."""
        from outreach_tui.store.officers_auth import OfficerAuth

        return OfficerAuth(self.database, self.device_id)

    def purge(
        self,
        *,
        older_than_days: int = 7,
        dry_run: bool = False,
        officer_code: str | None = None,
    ) -> PurgeReport:
        """Remove personal data the hub acknowledged more than ``older_than_days`` ago."""
        from outreach_tui.store.purge import purge

        return purge(
            self.database, self.device_id, older_than_days=older_than_days, dry_run=dry_run,
            officer_code=officer_code,
        )  # fmt: skip

    @property
    def path(self) -> Path:
        return self.database.path

    def _ensure_device_id(self) -> str:
        device_id = self.settings.get("device_id")
        if device_id is None:
            device_id = new_uuid()
            self.settings.set("device_id", device_id)
        return device_id

    def schema_version(self) -> int:
        return current_version(self.database)

    def integrity_check(self) -> list[str]:
        """``["ok"]`` when SQLite finds nothing wrong; otherwise its messages."""
        with self.database.read() as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            problems += [
                f"foreign key: {row[0]} row {row[1]} -> {row[2]}"
                for row in db.execute("PRAGMA foreign_key_check")
            ]
        return problems if problems != ["ok"] else ["ok"]

    def summary(self) -> StoreSummary:
        with self.database.read() as db:
            reg = db.execute(
                "SELECT"
                " count(*) FILTER (WHERE role = 'owner' AND voided_at IS NULL),"
                " count(*) FILTER (WHERE role = 'worker' AND voided_at IS NULL),"
                " count(*) FILTER (WHERE voided_at IS NOT NULL),"
                " count(*) FILTER (WHERE sync_state IN ('pending', 'uploading')),"
                " count(*) FILTER (WHERE sync_state = 'rejected'),"
                " count(*) FILTER (WHERE sync_state = 'conflict')"
                " FROM registrations"
            ).fetchone()
            leads = db.execute(
                "SELECT count(*) FILTER (WHERE voided_at IS NULL),"
                " count(*) FILTER (WHERE voided_at IS NOT NULL),"
                " count(*) FILTER (WHERE sync_state IN ('pending', 'uploading')),"
                " count(*) FILTER (WHERE sync_state = 'rejected'),"
                " count(*) FILTER (WHERE sync_state = 'conflict')"
                " FROM leads"
            ).fetchone()
        return StoreSummary(
            schema_version=self.schema_version(),
            latest_schema_version=latest_version(),
            owners=reg[0],
            workers=reg[1],
            leads=leads[0],
            voided=reg[2] + leads[1],
            pending_sync=reg[3] + leads[2],
            rejected=reg[4] + leads[3],
            conflicts=reg[5] + leads[4],
        )

    def backup(self, destination: str | Path, *, force: bool = False) -> Path:
        """A consistent copy through SQLite's online backup API (safe while in use).

        Into a new file only (an existing regular, non-database file with ``force``):
        never this file, an SQLite file, a device or a symlink. The copy goes into a 0600
        temporary file beside the target (its ``-journal`` too) and is renamed into place
        when complete, so a failure (a full disk) leaves nothing at or beside the target.
        """

        def copy(temp: Path) -> None:
            with self.database.read() as source:
                out = sqlite3.connect(temp)
                try:
                    source.conn.backup(out)
                finally:
                    out.close()

        written = files.write_with(
            destination, copy, force=force, protect=[self.path], sqlite_output=True
        )
        return written.path

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
