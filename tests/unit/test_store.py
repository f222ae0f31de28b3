"""The officer's local store on a real SQLite file: migrations, saves, edits, voids, the
audit log, backups, concurrent writers and hostile input. No mocks: every assertion reads
the file back the way a supervisor (or the sync client) would."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain.models import LeadDraft, Registration, RegistrationDraft
from outreach_tui.domain.validation import validate_lead, validate_registration
from outreach_tui.files import TargetRefused
from outreach_tui.store import Store, StoreError
from outreach_tui.store.migrations import latest_version, migrate, migrations

WRITER = Path(__file__).resolve().parents[1] / "helpers" / "writer_process.py"
REPO = Path(__file__).resolve().parents[2]
REFERENCE_NO = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")
TODAY = date(2026, 11, 23)  # the booth day the conftest factories validate against


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, as a curious user or another tool would open the file."""
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


def rows(path: Path, sql: str = "SELECT * FROM registrations ORDER BY seq") -> list[dict]:
    with raw(path) as conn:
        return [dict(r) for r in conn.execute(sql)]


def scalar(path: Path, sql: str, params: tuple = ()) -> Any:
    with raw(path) as conn:
        return conn.execute(sql, params).fetchone()[0]


def counter(path: Path) -> int:
    return scalar(path, "SELECT value FROM counters WHERE name = 'seq'")


def snapshot(path: Path) -> dict[str, list[dict]]:
    """Every row a save could touch, to prove a refused save changed nothing."""
    return {
        table: rows(path, f"SELECT * FROM {table} ORDER BY rowid")
        for table in ("registrations", "audit_log", "record_history", "counters", "leads")
    }


def mark_synced(path: Path, record_uuid: str) -> None:
    """Simulate the hub's ack (the sync client is not under test here)."""
    with raw(path) as conn:
        conn.execute(
            "UPDATE registrations SET sync_state = 'synced', synced_at = '2026-11-23T10:00:00Z'"
            " WHERE uuid = ?",
            [record_uuid],
        )
        conn.commit()


# -- opening and migrating ------------------------------------------------------------------


def test_fresh_file_is_at_the_latest_schema(db_path: Path) -> None:
    with Store(db_path) as store:
        assert store.schema_version() == latest_version()
    assert scalar(db_path, "PRAGMA user_version") == latest_version()
    assert scalar(db_path, "SELECT count(*) FROM schema_migrations") == len(migrations())
    tables = {r["name"] for r in rows(db_path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"registrations", "leads", "audit_log", "counters", "record_history"} <= tables


def test_reopening_applies_nothing(db_path: Path) -> None:
    with Store(db_path) as store:
        device_id = store.device_id
    before = rows(db_path, "SELECT * FROM schema_migrations")
    with Store(db_path) as again:
        assert migrate(again.database) == []
        assert again.device_id == device_id  # the device keeps its identity
    assert rows(db_path, "SELECT * FROM schema_migrations") == before


def test_an_empty_file_is_a_new_database(db_path: Path) -> None:
    db_path.touch()
    with Store(db_path) as store:
        assert store.schema_version() == latest_version()


def test_a_file_from_a_newer_outreach_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    with raw(db_path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, 'from_the_future', '2030-01-01T00:00:00Z')",
            [latest_version() + 1],
        )
        conn.commit()
    before = (
        rows(db_path, "SELECT * FROM schema_migrations"),
        scalar(db_path, "PRAGMA user_version"),
    )
    with pytest.raises(StoreError, match="newer") as refused:
        Store(db_path)
    assert "\n" not in str(refused.value)
    # The newer file is left exactly as the newer outreach wrote it.
    after = rows(db_path, "SELECT * FROM schema_migrations"), scalar(db_path, "PRAGMA user_version")
    assert after == before


def test_a_hub_or_another_programs_file_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    # Before: a hub file was "newer than this outreach: update" (in English), and another
    # program's SQLite file got the laptop's tables.
    from outreach_tui.cli.output import store_problem
    from outreach_tui.hub.storage import open_storage
    from outreach_tui.store.database import NotALaptopFile

    hub = tmp_path / "hub.db"
    open_storage(str(hub)).close()
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    for path, kind, said in ((hub, "hub", "database hub"), (other, "foreign", "program lain")):
        before = path.read_bytes()
        with pytest.raises(NotALaptopFile) as refused:
            Store(path)
        assert refused.value.kind == kind
        assert said in store_problem(refused.value)  # Bahasa Indonesia by default
        assert path.read_bytes() == before  # not even switched to WAL
    with pytest.raises(NotALaptopFile):
        Store(tmp_path)  # a folder


def _random_bytes(path: Path) -> Path:
    path.write_bytes(os.urandom(8192))
    return path


def _text_file(path: Path) -> Path:
    path.write_text("NIK,Nama\n1671014512900001,Siti Aminah\n" * 50, encoding="utf-8")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _sqlite_header_then_garbage(path: Path) -> Path:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8176))
    return path


def _truncated_database(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE registrations (uuid TEXT, blob BLOB)")
        conn.executemany("INSERT INTO registrations VALUES (?, ?)", [("x", os.urandom(900))] * 500)
        conn.commit()
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    return path


@pytest.mark.parametrize(
    "make_bad_file",
    [_random_bytes, _text_file, _directory, _sqlite_header_then_garbage, _truncated_database],
)
def test_a_file_that_is_not_a_database_is_refused_in_one_line(
    tmp_path: Path, make_bad_file: Callable[[Path], Path]
) -> None:
    target = make_bad_file(tmp_path / "outreach.db")
    before = target.read_bytes() if target.is_file() else None
    with pytest.raises(StoreError) as refused:
        Store(target)
    message = str(refused.value)
    assert message and "\n" not in message
    assert str(target) in message
    if before is not None:
        assert target.read_bytes() == before  # refusing it did not "repair" the user's file


def test_a_path_under_a_regular_file_is_refused_in_one_line(tmp_path: Path) -> None:
    blocker = _text_file(tmp_path / "notes.txt")
    with pytest.raises(StoreError) as refused:
        Store(blocker / "outreach.db")
    assert "\n" not in str(refused.value)


def test_a_missing_file_is_not_created_when_asked_not_to(db_path: Path) -> None:
    with pytest.raises(StoreError, match="not found"):
        Store(db_path, create=False)
    assert not db_path.exists()


def test_the_file_is_private_to_the_officer(store: Store, register: Callable) -> None:
    register(workers=1)  # the -wal and -shm files exist once something is written
    for suffix in ("", "-wal", "-shm"):
        path = store.path.with_name(store.path.name + suffix)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_the_file_is_in_wal_mode(store: Store) -> None:
    assert scalar(store.path, "PRAGMA journal_mode") == "wal"  # persistent, seen by any tool


@pytest.mark.parametrize(
    ("pragma", "expected"), [("foreign_keys", 1), ("synchronous", 2), ("busy_timeout", 10_000)]
)
def test_store_connections_are_configured(store: Store, pragma: str, expected: int) -> None:
    with store.database.write() as db:
        assert db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected
    if pragma != "synchronous":  # readers never commit, so their sync level does not matter
        with store.database.read() as db:
            assert db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected


def test_foreign_keys_refuse_an_unknown_officer(
    store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.registrations.save(make_owner(), officer_code="NOBODY", event_id=event_id)
    assert rows(store.path) == []


# -- saving ---------------------------------------------------------------------------------


def test_owner_and_two_workers_are_saved_together(
    store: Store,
    event_id: str,
    officer_code: str,
    make_owner: Callable[..., Registration],
    make_worker: Callable[..., Registration],
) -> None:
    owner = make_owner(workers_count=2)
    workers = [make_worker(full_name="Budi Santoso"), make_worker(full_name="Dewi Lestari")]

    saved = store.registrations.save(owner, workers, officer_code=officer_code, event_id=event_id)

    saved_rows = rows(store.path)
    assert [r["uuid"] for r in saved_rows] == [saved.owner.uuid, *(w.uuid for w in saved.workers)]
    assert [r["role"] for r in saved_rows] == ["owner", "worker", "worker"]
    assert [r["full_name"] for r in saved_rows] == ["Siti Aminah", "Budi Santoso", "Dewi Lestari"]
    owner_row, *worker_rows = saved_rows
    assert owner_row["owner_uuid"] is None
    assert all(w["owner_uuid"] == saved.owner.uuid for w in worker_rows)
    assert owner_row["workers_count"] == 2
    assert all(w["workers_count"] == 0 for w in worker_rows)
    seqs = [r["seq"] for r in saved_rows]
    assert seqs == list(range(seqs[0], seqs[0] + 3)) and seqs[-1] == counter(store.path)
    for row in saved_rows:
        parsed = uuid.UUID(row["uuid"])
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert REFERENCE_NO.match(row["reference_no"])
        assert row["sync_state"] == "pending" and row["version"] == 1
        assert row["base_version"] is None
        assert (row["officer_code"], row["event_id"]) == (officer_code, event_id)
        assert row["device_id"] == store.device_id
        assert row["created_at"].endswith("Z") and row["consent_at"]
    assert len({r["reference_no"] for r in saved_rows}) == 3
    assert saved.owner.reference_no == owner_row["reference_no"]

    (audit,) = rows(store.path, "SELECT * FROM audit_log WHERE action = 'registration.create'")
    assert audit["entity_uuid"] == saved.owner.uuid
    assert audit["officer_code"] == officer_code and audit["version"] == 1
    assert saved.workers[0].uuid in audit["detail"] and saved.workers[1].uuid in audit["detail"]


def test_uuids_and_seqs_follow_save_order(store: Store, register: Callable) -> None:
    saved = [register(workers=i % 3) for i in range(12)]
    in_save_order = [u for s in saved for u in (s.owner.uuid, *(w.uuid for w in s.workers))]
    by_seq = [r["uuid"] for r in rows(store.path)]
    assert by_seq == in_save_order
    assert sorted(by_seq, key=lambda u: uuid.UUID(u).int) == by_seq  # UUIDv7 is time-ordered
    assert len({r["reference_no"] for r in rows(store.path)}) == len(by_seq)


def test_workers_added_later_point_at_their_owner(
    store: Store, register: Callable, make_worker: Callable[..., Registration]
) -> None:
    saved = register(workers=1)
    added = store.registrations.add_workers(
        saved.owner.uuid, [make_worker(), make_worker()], officer_code="PLG-01"
    )
    workers = store.registrations.workers_of(saved.owner.uuid)
    assert [w["uuid"] for w in workers] == [saved.workers[0].uuid, *(a.uuid for a in added)]
    assert {w["event_id"] for w in workers} == {rows(store.path)[0]["event_id"]}
    with pytest.raises(StoreError, match="owner not found"):
        store.registrations.add_workers(added[0].uuid, [make_worker()], officer_code="PLG-01")
    assert len(rows(store.path)) == 4


# -- editing and voiding --------------------------------------------------------------------


def test_an_edit_is_a_new_version_and_keeps_the_old_one(
    store: Store, register: Callable, make_owner: Callable[..., Registration]
) -> None:
    saved = register(workers=0)
    register(workers=0)  # someone else saved afterwards: the edit must still get a later seq
    before = store.registrations.get(saved.owner.uuid)
    assert before is not None
    corrected = make_owner(nik=before["nik"], workers_count=0, address="Jl. Sudirman No. 9")

    edited = store.registrations.edit(saved.owner.uuid, corrected, officer_code="PLG-01")

    after = store.registrations.get(saved.owner.uuid)
    assert after is not None
    assert edited.version == after["version"] == 2
    assert after["address"] == "Jl. Sudirman No. 9"
    assert (
        after["seq"]
        == counter(store.path)
        > max(r["seq"] for r in rows(store.path) if r["uuid"] != saved.owner.uuid)
    )
    assert after["sync_state"] == "pending" and after["base_version"] is None  # never synced
    assert (after["uuid"], after["reference_no"], after["created_at"]) == (
        before["uuid"],
        before["reference_no"],
        before["created_at"],
    )
    (old,) = store.registrations.history(saved.owner.uuid)
    assert old["version"] == 1 and old["address"] == before["address"]
    edits = rows(store.path, "SELECT * FROM audit_log WHERE action = 'registration.edit'")
    assert [(e["entity_uuid"], e["version"]) for e in edits] == [(saved.owner.uuid, 2)]
    assert "address" in edits[0]["detail"]


def test_an_edit_after_sync_is_based_on_the_synced_version(
    store: Store, register: Callable, make_owner: Callable[..., Registration]
) -> None:
    saved = register(workers=0)
    nik = rows(store.path)[0]["nik"]
    store.registrations.edit(
        saved.owner.uuid,
        make_owner(nik=nik, workers_count=0, phone="0813-1111-2222"),
        officer_code="PLG-01",
    )
    mark_synced(store.path, saved.owner.uuid)  # the hub acknowledged version 2

    store.registrations.edit(
        saved.owner.uuid,
        make_owner(nik=nik, workers_count=0, phone="0813-3333-4444"),
        officer_code="PLG-01",
    )

    row = store.registrations.get(saved.owner.uuid)
    assert row is not None
    assert (row["version"], row["base_version"], row["sync_state"]) == (3, 2, "pending")
    assert row["phone"] == "+6281333334444"
    assert [h["version"] for h in store.registrations.history(saved.owner.uuid)] == [1, 2]


def test_an_edit_that_changes_nothing_is_not_a_new_version(
    store: Store, register: Callable, make_owner: Callable[..., Registration]
) -> None:
    saved = register(workers=0)
    row = rows(store.path)[0]
    same = make_owner(nik=row["nik"], workers_count=0)
    before = snapshot(store.path)
    assert store.registrations.edit(saved.owner.uuid, same, officer_code="PLG-01").version == 1
    assert snapshot(store.path) == before


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_voiding_requires_a_reason(store: Store, register: Callable, reason: str) -> None:
    saved = register(workers=0)
    before = snapshot(store.path)
    with pytest.raises(StoreError, match="reason"):
        store.registrations.void(saved.owner.uuid, reason, officer_code="PLG-01")
    assert snapshot(store.path) == before


def test_void_keeps_the_row_and_bumps_the_version(
    store: Store, register: Callable, make_owner: Callable[..., Registration]
) -> None:
    saved = register(workers=1)
    mark_synced(store.path, saved.owner.uuid)

    voided = store.registrations.void(
        saved.owner.uuid, "  pendaftaran ganda  ", officer_code="PLG-01"
    )

    row = store.registrations.get(saved.owner.uuid)
    assert row is not None and voided.version == row["version"] == 2
    assert row["voided_at"] and row["void_reason"] == "pendaftaran ganda"
    assert (row["sync_state"], row["base_version"]) == ("pending", 1)  # the void syncs too
    assert row["seq"] == counter(store.path)
    assert len(rows(store.path)) == 2  # never a hard delete
    assert [h["version"] for h in store.registrations.history(saved.owner.uuid)] == [1]
    assert store.summary().owners == 0 and store.summary().voided == 1
    # Voiding twice changes nothing; a voided record cannot be edited.
    before = snapshot(store.path)
    assert store.registrations.void(saved.owner.uuid, "lagi", officer_code="PLG-01").version == 2
    with pytest.raises(StoreError, match="voided"):
        store.registrations.edit(
            saved.owner.uuid, make_owner(nik=row["nik"], full_name="Siti A"), officer_code="PLG-01"
        )
    assert snapshot(store.path) == before


def test_a_long_void_reason_is_cut_not_refused(store: Store, register: Callable) -> None:
    saved = register(workers=0)
    store.registrations.void(saved.owner.uuid, "x" * 10_240, officer_code="PLG-01")
    row = store.registrations.get(saved.owner.uuid)
    assert row is not None and len(row["void_reason"]) == 500


# -- audit log ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'registration.void' WHERE id = 1",
        "UPDATE audit_log SET officer_code = NULL",
        "DELETE FROM audit_log WHERE id = 1",
        "DELETE FROM audit_log",
    ],
)
@pytest.mark.parametrize("through", ["raw connection", "store writer"])
def test_the_audit_log_cannot_be_rewritten(
    store: Store, register: Callable, statement: str, through: str
) -> None:
    register(workers=2)
    before = rows(store.path, "SELECT * FROM audit_log ORDER BY id")
    assert before

    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        if through == "raw connection":
            with raw(store.path) as conn:
                conn.execute(statement)
                conn.commit()
        else:
            with store.database.write() as db:
                db.execute(statement)

    assert rows(store.path, "SELECT * FROM audit_log ORDER BY id") == before


def test_the_audit_log_cannot_be_overwritten_by_replace(store: Store, register: Callable) -> None:
    register(workers=0)
    before = rows(store.path, "SELECT * FROM audit_log ORDER BY id")
    with pytest.raises(sqlite3.DatabaseError), raw(store.path) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO audit_log (id, at, device_id, action)"
            " VALUES (1, '2000-01-01T00:00:00Z', 'forged', 'nothing.happened')"
        )
        conn.commit()
    assert rows(store.path, "SELECT * FROM audit_log ORDER BY id") == before


def test_audit_entries_are_newest_first(store: Store, register: Callable) -> None:
    first, second = register(workers=0), register(workers=0)
    store.registrations.void(first.owner.uuid, "salah input", officer_code="PLG-01")
    entries = store.audit.entries()
    assert [(e.action, e.entity_uuid) for e in entries] == [
        ("registration.void", first.owner.uuid),
        ("registration.create", second.owner.uuid),
        ("registration.create", first.owner.uuid),
    ]
    assert [e.action for e in store.audit.entries(entity_uuid=first.owner.uuid)] == [
        "registration.void",
        "registration.create",
    ]


# -- reading --------------------------------------------------------------------------------


def test_summary_counts_what_is_in_the_file(
    store: Store, register: Callable, event_id: str
) -> None:
    kept = register(workers=2)
    voided = register(workers=1)
    rejected = register(workers=0)
    store.registrations.void(voided.owner.uuid, "duplikat", officer_code="PLG-01")
    mark_synced(store.path, kept.workers[0].uuid)
    with raw(store.path) as conn:
        conn.execute(
            "UPDATE registrations SET sync_state = 'rejected', sync_code = 'nik.registered'"
            " WHERE uuid = ?",
            [rejected.owner.uuid],
        )
        conn.execute(
            "UPDATE registrations SET sync_state = 'conflict' WHERE uuid = ?",
            [kept.workers[1].uuid],
        )
        conn.execute(  # a sync cut off mid-batch: still waiting for the hub
            "UPDATE registrations SET sync_state = 'uploading' WHERE uuid = ?", [kept.owner.uuid]
        )
        conn.commit()
    lead = validate_lead(
        LeadDraft(
            full_name="Andi Wijaya",
            phone="0821-7777-8888",
            consent_contact=True,
            consent_version="2026.1",
        ),
        today=TODAY,
    ).record
    assert lead is not None
    store.leads.save(lead, officer_code="PLG-01", event_id=event_id)

    summary = store.summary()

    assert (summary.owners, summary.workers, summary.leads) == (2, 3, 1)
    assert summary.voided == 1
    # Pending: kept owner (uploading), voided owner (the void syncs), its worker, the lead.
    assert summary.pending_sync == 4
    assert (summary.rejected, summary.conflicts) == (1, 1)
    assert summary.schema_version == summary.latest_schema_version == latest_version()


def test_find_by_nik_returns_earlier_registrations_of_that_person(
    store: Store, register: Callable
) -> None:
    first = register(workers=0, nik="1671024107850012")
    register(workers=0)  # somebody else
    again = register(workers=0, nik="1671024107850012")
    assert [r["uuid"] for r in store.registrations.find_by_nik("1671024107850012")] == [
        first.owner.uuid,
        again.owner.uuid,
    ]
    store.registrations.void(again.owner.uuid, "terdaftar dua kali", officer_code="PLG-01")
    assert [r["uuid"] for r in store.registrations.find_by_nik("1671024107850012")] == [
        first.owner.uuid
    ]
    everything = store.registrations.find_by_nik("1671024107850012", include_voided=True)
    assert len(everything) == 2
    assert store.registrations.find_by_nik("1671024107859999") == []


# -- backup ---------------------------------------------------------------------------------


def test_backup_is_a_complete_private_copy(
    store: Store, register: Callable, tmp_path: Path
) -> None:
    for workers in (0, 1, 2, 3):
        register(workers=workers)
    store.registrations.void(rows(store.path)[0]["uuid"], "batal", officer_code="PLG-01")

    copy = store.backup(tmp_path / "backups" / "outreach-2026-11-23.db")

    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert scalar(copy, "PRAGMA integrity_check") == "ok"
    for table in ("registrations", "audit_log", "record_history", "events", "officers"):
        sql = f"SELECT * FROM {table} ORDER BY rowid"
        assert rows(copy, sql) == rows(store.path, sql), table
    with Store(copy) as restored:
        assert restored.summary() == store.summary()
        assert restored.device_id == store.device_id
        assert restored.integrity_check() == ["ok"]


def test_backup_onto_the_database_itself_is_refused(store: Store, register: Callable) -> None:
    register(workers=1)
    with pytest.raises(TargetRefused, match="the database this command reads"):
        store.backup(store.path, force=True)
    assert len(rows(store.path)) == 2


def test_backup_while_the_booth_keeps_saving(
    store: Store, register: Callable, tmp_path: Path
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_saving() -> None:
        try:
            while not stop.is_set():
                register(workers=2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    register(workers=2)
    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        copies = [store.backup(tmp_path / f"copy{i}.db") for i in range(5)]
    finally:
        stop.set()
        writer.join()
    assert errors == []
    for copy in copies:
        assert scalar(copy, "PRAGMA integrity_check") == "ok"
        owners = scalar(copy, "SELECT count(*) FROM registrations WHERE role = 'owner'")
        workers = scalar(copy, "SELECT count(*) FROM registrations WHERE role = 'worker'")
        assert owners >= 1 and workers == 2 * owners  # never half a registration


# -- concurrency ----------------------------------------------------------------------------


def _run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_two_threads_saving_through_one_store(
    store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    owners = [make_owner(workers_count=0) for _ in range(400)]
    saved: list[str] = []

    def booth(batch: list[Registration]) -> Callable[[], None]:
        def run() -> None:
            for owner in batch:
                result = store.registrations.save(owner, officer_code="PLG-01", event_id=event_id)
                saved.append(result.owner.uuid)

        return run

    assert _run_threads([booth(owners[:200]), booth(owners[200:])]) == []

    saved_rows = rows(store.path)
    assert len(saved_rows) == 400 and {r["uuid"] for r in saved_rows} == set(saved)
    assert [r["seq"] for r in saved_rows] == list(range(1, 401)) and counter(store.path) == 400
    assert scalar(store.path, "SELECT count(*) FROM audit_log") == 400
    assert sorted(r["nik"] for r in saved_rows) == sorted(o.nik for o in owners)


def test_readers_never_fail_or_see_half_a_registration(store: Store, register: Callable) -> None:
    done = threading.Event()
    snapshots: list[tuple[int, int]] = []
    nik = "1671016508920001"

    def write() -> None:
        try:
            for _ in range(150):
                register(workers=2, nik=nik)
        finally:
            done.set()

    def read() -> None:
        while not done.is_set():
            summary = store.summary()
            snapshots.append((summary.owners, summary.workers))
            store.registrations.find_by_nik(nik)
            if len(snapshots) % 50 == 0:
                assert store.integrity_check() == ["ok"]

    assert _run_threads([write, read, read]) == []
    assert len(snapshots) > 10  # the readers really ran alongside the writer
    assert all(workers == 2 * owners for owners, workers in snapshots)
    assert [o for o, _ in snapshots] != [0] * len(snapshots)
    assert store.summary().owners == 150 and len(store.registrations.find_by_nik(nik)) == 150


def _writer(db: Path, event_id: str, count: int, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(WRITER),
            str(db),
            "--event",
            event_id,
            "--count",
            str(count),
            "--seed",
            str(seed),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_separate_processes_write_the_same_file(
    store: Store, event_id: str, register: Callable
) -> None:
    processes = [_writer(store.path, event_id, 150, seed) for seed in (1, 2)]
    here = [register(workers=1) for _ in range(50)]  # and this process keeps saving too
    outputs = [p.communicate(timeout=60) for p in processes]

    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert "locked" not in stderr
    acknowledged = {u for stdout, _ in outputs for u in stdout.split()}
    acknowledged |= {u for s in here for u in (s.owner.uuid, *(w.uuid for w in s.workers))}
    saved_rows = rows(store.path)
    assert {r["uuid"] for r in saved_rows} == acknowledged
    assert len(saved_rows) == len(acknowledged) >= 2 * 150 + 50 * 2
    assert [r["seq"] for r in saved_rows] == list(range(1, len(saved_rows) + 1))
    owners = scalar(store.path, "SELECT count(*) FROM registrations WHERE role = 'owner'")
    assert owners == 2 * 150 + 50
    assert store.integrity_check() == ["ok"]


# -- hostile input --------------------------------------------------------------------------

TEN_KB = "a" * 10_240


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"full_name": "Siti " + TEN_KB}, "full_name", id="10KB-name"),
        pytest.param({"address": "Jl. " + TEN_KB}, "address", id="10KB-address"),
        pytest.param({"business_name": TEN_KB}, "business_name", id="10KB-business"),
        pytest.param({"birth_place": TEN_KB}, "birth_place", id="10KB-birth-place"),
        pytest.param({"email": TEN_KB + "@contoh.id"}, "email", id="10KB-email"),
        pytest.param({"phone": "0812" + "3" * 10_240}, "phone", id="10KB-phone"),
        pytest.param({"nik": "1" * 10_240}, "nik", id="10KB-nik"),
        pytest.param({"declared_income": "9" * 10_240}, "declared_income", id="10KB-income"),
        pytest.param({"full_name": ""}, "full_name", id="empty-name"),
        pytest.param({"full_name": "   \t "}, "full_name", id="blank-name"),
        pytest.param({"declared_income": "-2.500.000"}, "declared_income", id="negative-income"),
        pytest.param({"declared_income": -1}, "declared_income", id="negative-income-int"),
        pytest.param({"declared_income": "0"}, "declared_income", id="zero-income"),
        pytest.param({"full_name": "Sit\udcff"}, "full_name", id="surrogate-name"),
        pytest.param({"address": "Jl. Merdeka \udcff"}, "address", id="surrogate-address"),
        pytest.param({"business_name": "Pempek \udce9"}, "business_name", id="surrogate-business"),
        pytest.param({"birth_place": "Palemb\udcffng"}, "birth_place", id="surrogate-birth-place"),
        pytest.param({"nik": "16710145129\udcff0001"}, "nik", id="surrogate-nik"),
        pytest.param({"phone": "0812\udcff34567890"}, "phone", id="surrogate-phone"),
        pytest.param({"email": "siti\udcff@contoh.id"}, "email", id="surrogate-email"),
        pytest.param({"sector": "kul\udcffiner"}, "sector", id="surrogate-sector"),
        pytest.param({"full_name": "Siti\x00Aminah"}, "full_name", id="nul-in-name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    store: Store,
    register: Callable,
    event_id: str,
    make_owner_draft: Callable[..., RegistrationDraft],
    overrides: dict[str, Any],
    field: str,
) -> None:
    register(workers=1)  # an earlier registration that must stay exactly as it was
    before = snapshot(store.path)
    draft = make_owner_draft(**overrides)  # what the booth form builds from typed text

    result = validate_registration(draft, today=TODAY)
    if result.record is not None:  # what the booth does with a valid form
        store.registrations.save(result.record, officer_code="PLG-01", event_id=event_id)

    assert result.record is None
    assert field in {p.field for p in result.errors}
    assert all(p.message() for p in result.errors)  # every error has words for the officer
    assert snapshot(store.path) == before


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param({"full_name": "A" * 10_240}, sqlite3.IntegrityError, id="10KB-name"),
        pytest.param({"full_name": ""}, sqlite3.IntegrityError, id="empty-name"),
        pytest.param({"declared_income": -2_500_000}, sqlite3.IntegrityError, id="negative-income"),
        pytest.param({"declared_income": 0}, sqlite3.IntegrityError, id="zero-income"),
        pytest.param({"nik": "167101"}, sqlite3.IntegrityError, id="short-nik"),
        pytest.param({"sex": "X"}, sqlite3.IntegrityError, id="unknown-sex"),
        pytest.param({"payment_months": 4}, sqlite3.IntegrityError, id="four-months"),
        pytest.param({"full_name": "Sit\udcff"}, UnicodeEncodeError, id="surrogate-name"),
    ],
)
def test_the_schema_refuses_what_validation_would_and_rolls_back_the_whole_save(
    store: Store,
    register: Callable,
    event_id: str,
    make_owner: Callable[..., Registration],
    make_worker: Callable[..., Registration],
    change: dict[str, Any],
    error: type[Exception],
) -> None:
    """A record that skipped validation (a bug elsewhere) must not half-save a family."""
    register(workers=2)
    before = snapshot(store.path)
    bad_worker = replace(make_worker(), **change)

    with pytest.raises(error):
        store.registrations.save(
            make_owner(workers_count=2),
            [make_worker(), bad_worker],
            officer_code="PLG-01",
            event_id=event_id,
        )

    assert snapshot(store.path) == before  # no owner, no first worker, no seq, no audit
    register(workers=0)  # and the booth carries on
    assert len(rows(store.path)) == 4


def test_a_bad_edit_leaves_the_record_and_its_history_untouched(
    store: Store, register: Callable, make_owner: Callable[..., Registration]
) -> None:
    saved = register(workers=0)
    before = snapshot(store.path)
    broken = replace(make_owner(nik=rows(store.path)[0]["nik"], workers_count=0), full_name="")
    with pytest.raises(sqlite3.IntegrityError):
        store.registrations.edit(saved.owner.uuid, broken, officer_code="PLG-01")
    assert snapshot(store.path) == before  # no history row, no version bump, no seq used


def test_a_failed_commit_does_not_wedge_the_store(store: Store, register: Callable) -> None:
    register(workers=0)
    # A deferred foreign key is checked at COMMIT: a stand-in for a disk that fills up then.
    with pytest.raises(sqlite3.IntegrityError), store.database.write() as db:
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute(
            "INSERT INTO officers (code, name, branch_code, created_at)"
            " VALUES ('PLG-99', 'Tanpa Cabang', 'NO-SUCH-BRANCH', '2026-11-23T00:00:00Z')"
        )
    register(workers=1)  # the officer retries the next family
    assert len(rows(store.path)) == 3
    assert scalar(store.path, "SELECT count(*) FROM officers WHERE code = 'PLG-99'") == 0
