"""Minimisation after sync (UU 27/2022): once the hub has acknowledged a record and the
retention period has passed, the laptop keeps only what tallies need.

A record is purged when its sync state is ``synced`` or ``duplicate``, the hub holds its
current version (``base_version = version``) and ``synced_at`` is older than the
retention. Nothing waiting, refused or in conflict is ever touched; the schema refuses a
purged row that is not synced (migration 0004). Purging a registration:

- NIK -> NULL; its keyed hash stays (``nik_digest``, ``nik_key_id``: see nik_keys.py) so
  the booth still warns about a repeat NIK offline;
- name -> the marker ``—``; birth date and place, phone, email, address, business name,
  work location and declared income -> NULL; a void reason -> ``—``;
- role, path, sector, programs, monthly amounts, officer, event, days and sync state
  stay: every tally reads the same before and after.

A lead keeps its sector, consent facts, conversion and dates; name, phone, interest,
notes and follow-up date go. The earlier versions of purged records (``record_history``)
are deleted, and so are the stored bodies of acknowledged or failed batches older than the
retention (they hold copies of the records). Form drafts (store/drafts.py: what an officer
typed and never saved) untouched for longer than the retention are deleted: a draft was
never acknowledged, so its clock is its last change. Receipt files the booth wrote for purged
owners (``receipts/<reference>.txt|.pdf`` next to the database) are deleted too.

Afterwards the file is compacted (VACUUM; ``secure_delete`` is on for every writer) and
the WAL checkpointed and truncated, so a copy of the file shows no purged NIK or phone.
Another process reading the file holds the old pages: compaction.py waits for it (up to
``wait_s``) and, when it stays, records the unfinished job, which every later purge (even
one with nothing to purge) finishes first. ``compacted`` is true only when nothing purged
is left on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach_tui.domain import consent
from outreach_tui.domain.localtime import iso_utc, utc_now_iso
from outreach_tui.store import audit, compaction, drafts, name_index, nik_keys
from outreach_tui.store.crypto import SETTING, StoreLocked, context, is_sealed
from outreach_tui.store.database import Database

if TYPE_CHECKING:
    from outreach_tui.store.database import Transaction

DEFAULT_RETENTION_DAYS = 7
MARK = "—"  # what a purged name (and void reason) reads

_ACKED = (
    "purged_at IS NULL AND sync_state IN ('synced', 'duplicate') AND synced_at IS NOT NULL"
    " AND synced_at < ? AND base_version = version"
)
_REGISTRATION_SET = (
    "nik = NULL, full_name = '—', birth_date = NULL, birth_place = NULL, phone = NULL,"
    " email = NULL, address = NULL, business_name = NULL, declared_income = NULL,"
    " work_location = NULL,"
    " void_reason = CASE WHEN voided_at IS NULL THEN NULL ELSE '—' END, sync_message = NULL,"
    " guardian_name = NULL,"
    " withdrawal_reason = CASE WHEN withdrawn_at IS NULL THEN NULL ELSE '—' END"
)
_LEAD_SET = (
    "full_name = '—', phone = NULL, interest = NULL, notes = NULL, follow_up_on = NULL,"
    " void_reason = CASE WHEN voided_at IS NULL THEN NULL ELSE '—' END, sync_message = NULL"
)
_OLD_BODIES = (
    "status IN ('acked', 'failed') AND body IS NOT NULL AND COALESCE(acked_at, created_at) < ?"
)
_PURGED_HISTORY = (
    "(entity = 'registration' AND uuid IN"
    " (SELECT uuid FROM registrations WHERE purged_at IS NOT NULL))"
    " OR (entity = 'lead' AND uuid IN (SELECT uuid FROM leads WHERE purged_at IS NOT NULL))"
)


@dataclass
class PurgeReport:
    """What a purge removed (or, with ``dry_run``, would remove)."""

    db: str
    dry_run: bool
    older_than_days: int
    cutoff: str
    registrations: int = 0
    leads: int = 0
    history: int = 0
    batch_bodies: int = 0
    drafts: int = 0  # forms in progress untouched for longer than the retention
    receipt_files: int = 0
    nik_key_id: str | None = None
    compacted: bool = False
    wal_bytes: int | None = None
    # Another process was reading; how long we waited for it; is compaction still owed?
    readers: bool = False
    waited_s: float = 0.0
    compaction_pending: bool = False
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def total(self) -> int:
        return self.registrations + self.leads + self.history + self.batch_bodies + self.drafts


def cutoff_for(days: int, now: datetime | None = None) -> str:
    """The ``synced_at`` bound: records acknowledged before it are due."""
    if days < 0:
        raise ValueError("the retention must be zero or more days")
    return iso_utc((now or datetime.now(UTC)) - timedelta(days=days))


def purge(
    database: Database,
    device_id: str,
    *,
    older_than_days: int = DEFAULT_RETENTION_DAYS,
    dry_run: bool = False,
    officer_code: str | None = None,
    now: datetime | None = None,
    compact: bool = True,
    wait_s: float = compaction.DEFAULT_WAIT_S,
    on_wait: Callable[[float], None] | None = None,
) -> PurgeReport:
    """Purge (or count, with ``dry_run``) everything acknowledged before the retention.

    Compaction follows when something was purged now or an earlier one is still owed; it
    waits up to ``wait_s`` for other readers (``on_wait(wait_s)`` is called once when it
    has to). Not finished: ``compacted`` false, warning ``compact_incomplete``,
    ``compaction_pending`` true (retried by the next purge)."""
    cutoff = cutoff_for(older_than_days, now)
    report = PurgeReport(str(database.path), dry_run, older_than_days, cutoff)
    promised = consent.current().retention_days_on_device
    if older_than_days > promised:
        report.warnings.append("retention_exceeds_consent")
    if dry_run:
        with database.read() as db:
            _count(db, cutoff, report)
            receipts = _receipt_files(database.path, _due_references(db, cutoff))
        report.receipt_files = len(receipts)
        report.compaction_pending = compaction.pending(database) is not None
        return report
    with database.write() as db:
        references = _due_references(db, cutoff)
        _apply(db, database, cutoff, report)
        if report.total:
            audit.append(
                db, device_id=device_id, officer_code=officer_code, action="store.purge",
                detail={"cutoff": cutoff, "older_than_days": older_than_days,
                        "registrations": report.registrations, "leads": report.leads,
                        "history": report.history, "batch_bodies": report.batch_bodies,
                        "drafts": report.drafts,
                        "nik_key_id": report.nik_key_id},
            )  # fmt: skip
    for path in _receipt_files(database.path, references):
        path.unlink(missing_ok=True)
        report.receipt_files += 1
    owed = compaction.pending(database) is not None
    if not compact and report.total:
        compaction.mark_pending(database, "purge")  # the caller compacts later
    elif compact and (report.total or owed):
        result = compaction.finish(database, reason="purge", wait_s=wait_s, on_wait=on_wait)
        report.compacted, report.readers = result.done, result.readers
        report.waited_s = result.waited_s
    report.compaction_pending = compaction.pending(database) is not None
    if report.compaction_pending:
        report.compacted = False
        report.warnings.append("compact_incomplete")
    wal = Path(f"{database.path}-wal")
    report.wal_bytes = wal.stat().st_size if wal.exists() else 0
    return report


def _count(db: Transaction, cutoff: str, report: PurgeReport) -> None:
    report.registrations = _scalar(db, f"SELECT count(*) FROM registrations WHERE {_ACKED}", cutoff)
    report.leads = _scalar(db, f"SELECT count(*) FROM leads WHERE {_ACKED}", cutoff)
    report.history = _scalar(
        db,
        "SELECT count(*) FROM record_history WHERE (entity = 'registration' AND uuid IN"
        f" (SELECT uuid FROM registrations WHERE purged_at IS NOT NULL OR ({_ACKED})))"
        " OR (entity = 'lead' AND uuid IN"
        f" (SELECT uuid FROM leads WHERE purged_at IS NOT NULL OR ({_ACKED})))",
        cutoff,
        cutoff,
    )
    report.batch_bodies = _scalar(
        db, f"SELECT count(*) FROM sync_batches WHERE {_OLD_BODIES}", cutoff
    )
    report.drafts = drafts.count_stale(db, cutoff)


def _apply(db: Transaction, database: Database, cutoff: str, report: PurgeReport) -> None:
    now = utc_now_iso()
    encrypted = db.execute("SELECT 1 FROM settings WHERE key = ?", [SETTING]).fetchone()
    cipher = database.cipher if encrypted else None
    rows = db.execute(
        f"SELECT uuid, nik, nik_digest, nik_key_id FROM registrations WHERE {_ACKED}", [cutoff]
    ).fetchall()
    updates = []
    for uuid, nik, digest, key_id in rows:
        if digest is None:
            if is_sealed(nik):
                if database.cipher is None:
                    raise StoreLocked()
                nik = database.cipher.open(nik, context("registrations", "nik", uuid))
            if encrypted and cipher is None:
                raise StoreLocked()
            digest, key_id = nik_keys.digest_with(db, cipher, nik)
        report.nik_key_id = report.nik_key_id or key_id
        updates.append((digest, key_id, now, uuid))
    db.executemany(
        f"UPDATE registrations SET {_REGISTRATION_SET}, nik_digest = ?, nik_key_id = ?,"
        " purged_at = ? WHERE uuid = ?",
        updates,
    )
    report.registrations = len(updates)
    report.leads = db.execute(
        f"UPDATE leads SET {_LEAD_SET}, purged_at = ? WHERE {_ACKED}", [now, cutoff]
    ).rowcount
    report.history = db.execute(f"DELETE FROM record_history WHERE {_PURGED_HISTORY}").rowcount
    report.batch_bodies = db.execute(
        f"UPDATE sync_batches SET body = NULL WHERE {_OLD_BODIES}", [cutoff]
    ).rowcount
    report.drafts = drafts.purge_stale(db, cutoff)
    if report.registrations or report.leads:
        name_index.compact(db)  # no trigram of a purged name left in an old segment


def _due_references(db: Transaction, cutoff: str) -> list[str]:
    return [
        ref
        for (ref,) in db.execute(
            f"SELECT reference_no FROM registrations WHERE role = 'owner' AND {_ACKED}", [cutoff]
        )
    ]


def _receipt_files(db_path: Path, references: list[str]) -> list[Path]:
    folder = Path(db_path).parent / "receipts"
    if not references or not folder.is_dir():
        return []
    return [
        folder / f"{ref}{suffix}"
        for ref in references
        for suffix in (".txt", ".pdf")
        if (folder / f"{ref}{suffix}").exists()
    ]


def _scalar(db: Transaction, sql: str, *params: Any) -> int:
    return int(db.execute(sql, params).fetchone()[0])
