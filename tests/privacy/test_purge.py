"""Minimisation after sync: `outreach purge` removes what the hub acknowledged more than the
retention ago — never anything unsynced — leaves every tally as it was, and a copy of the
file (with its WAL) shows no purged NIK, phone or name."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.store import Store, StoreError
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.store.purge import purge
from tests.conftest import OFFICER
from tests.privacy.conftest import found_in_file, rows, run, write

TALLIES = (
    ["--by", "day", "--by", "officer", "--by", "event"],
    ["--by", "sector", "--by", "path"],
    ["--by", "program"],
)


def tallies(db: Path) -> list[Any]:
    out = []
    for by in TALLIES:
        result = run("tally", *by, "--json", db=db)
        assert result.exit_code == 0, result.output
        out.append(json.loads(result.stdout))
    return out


def nik_of(store: Store, uuid: str) -> str:
    return rows(store.path, "SELECT nik FROM registrations WHERE uuid = ?", (uuid,))[0]["nik"]


def test_purge_removes_acknowledged_personal_data_and_keeps_tallies(
    store: Store, person: Callable, lead: Callable, acknowledge: Callable
) -> None:
    old = person("Purnama Sari Dewi", workers=2)
    old_lead = lead("Bambang Old Lead")
    old_nik = nik_of(store, old["uuid"])
    worker_niks = [nik_of(store, w.uuid) for w in old["saved"].workers]
    store.registrations.edit(  # an earlier version with the old phone goes to history
        old["uuid"], _edited(store, old["uuid"], phone="0813-9999-1234"), officer_code=OFFICER
    )
    acknowledge(days_ago=8)
    kept = person("Kartika Ayu Pending")  # saved after the sync: still waiting
    kept_nik = nik_of(store, kept["uuid"])
    assert found_in_file(store.path, old_nik, "+6281399991234", "Purnama Sari Dewi")
    before = tallies(store.path)
    summary = store.summary()

    report = store.purge(older_than_days=7, officer_code=OFFICER)

    assert (report.registrations, report.leads, report.history) == (3, 1, 1)
    assert report.compacted and report.wal_bytes == 0
    assert tallies(store.path) == before
    assert store.summary() == summary
    owner = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (old["uuid"],))[0]
    assert owner["nik"] is None and owner["phone"] is None and owner["full_name"] == "—"
    assert owner["birth_date"] is None and owner["address"] is None
    assert owner["business_name"] is None and owner["declared_income"] is None
    assert owner["nik_digest"] and owner["nik_key_id"] and owner["purged_at"]
    assert owner["monthly_due"] > 0 and owner["sector"] and owner["sync_state"] == "synced"
    gone = rows(store.path, "SELECT * FROM leads WHERE uuid = ?", (old_lead.uuid,))[0]
    assert gone["phone"] is None and gone["notes"] is None and gone["full_name"] == "—"
    assert rows(store.path, "SELECT count(*) AS n FROM record_history")[0]["n"] == 0
    # A copy of the file shows nothing of the purged people, and still the waiting one.
    purged = [old_nik, *worker_niks, old["phone"], "+6281399991234", "Purnama Sari Dewi",
              "Bambang Old Lead", "minta ditelepon"]  # fmt: skip
    assert found_in_file(store.path, *purged) == []
    assert found_in_file(store.path, kept_nik, kept["phone"], "Kartika Ayu Pending")
    store.close()
    assert found_in_file(store.path, old_nik, old["phone"], "Purnama Sari Dewi") == []


def _edited(store: Store, uuid: str, **changes: Any) -> Any:
    from outreach_tui.domain.models import RegistrationDraft
    from outreach_tui.domain.validation import validate_registration
    from tests.conftest import TODAY

    row = store.registrations.get(uuid)
    assert row is not None
    draft = RegistrationDraft(
        nik=row["nik"], full_name=row["full_name"], phone=changes.get("phone", row["phone"]),
        address=row["address"] or "", business_name=row["business_name"] or "",
        sector=row["sector"], workers_count=row["workers_count"],
        declared_income=row["declared_income"], programs=tuple(row["programs"].split(",")),
        payment_months=row["payment_months"], consent_version=row["consent_version"],
    )  # fmt: skip
    record = validate_registration(draft, today=TODAY).record
    assert record is not None
    return record


def test_nothing_unsynced_or_recent_is_ever_purged(
    store: Store, person: Callable, lead: Callable, acknowledge: Callable
) -> None:
    synced, conflict, rejected = person("A Synced"), person("B Conflict"), person("C Rejected")
    waiting_lead = lead("Lead Waiting")
    acknowledge(days_ago=30, **{conflict["uuid"]: "conflict", rejected["uuid"]: "rejected",
                                waiting_lead.uuid: None})  # fmt: skip
    recent = person("F Recent")
    acknowledge(days_ago=2, **{waiting_lead.uuid: None})  # F acknowledged two days ago only
    uploading = person("E Uploading")
    queue = SyncQueue(store.database, store.device_id)
    batch = queue.next_batch(10, hub_id="hub-test")  # in flight, never answered
    assert batch is not None
    assert {r["uuid"] for r in batch.records} == {waiting_lead.uuid, uploading["uuid"]}
    pending = person("D Pending")
    states = {r["uuid"]: r["sync_state"] for r in rows(store.path, "SELECT * FROM registrations")}
    assert states[pending["uuid"]] == "pending" and states[uploading["uuid"]] == "uploading"
    assert states[conflict["uuid"]] == "conflict" and states[rejected["uuid"]] == "rejected"
    state_before = rows(store.path, "SELECT uuid, sync_state FROM registrations ORDER BY uuid")

    report = store.purge(older_than_days=7)

    assert report.registrations == 1
    purged = {r["uuid"] for r in rows(store.path, "SELECT uuid FROM registrations"
                                                  " WHERE purged_at IS NOT NULL")}  # fmt: skip
    assert purged == {synced["uuid"]}
    for untouched in (conflict, rejected, pending, uploading, recent):
        row = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (untouched["uuid"],))
        assert row[0]["nik"] and row[0]["phone"] == untouched["phone"], untouched["name"]
    assert rows(store.path, "SELECT uuid, sync_state FROM registrations ORDER BY uuid") == (
        state_before
    )
    assert rows(store.path, "SELECT phone FROM leads WHERE uuid = ?", (waiting_lead.uuid,))[0][
        "phone"
    ]
    # the schema itself refuses a purged row that is not acknowledged
    with pytest.raises(Exception, match="CHECK"):
        write(store.path, "UPDATE registrations SET nik = NULL, phone = NULL, birth_date = NULL,"
              " declared_income = NULL, nik_digest = 'x', nik_key_id = 'k', purged_at = 'now'"
              " WHERE uuid = ?", (pending["uuid"],))  # fmt: skip


def test_an_edit_after_sync_waits_again_and_is_not_purged(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    owner = person("Edited After Sync")
    acknowledge(days_ago=10)
    store.registrations.edit(
        owner["uuid"], _edited(store, owner["uuid"], phone="0813-2222-3333"), officer_code=OFFICER
    )
    assert store.purge(older_than_days=7).registrations == 0
    assert rows(store.path, "SELECT phone FROM registrations")[0]["phone"] == "+6281322223333"


def test_dry_run_counts_and_changes_nothing(
    store: Store, person: Callable, lead: Callable, acknowledge: Callable
) -> None:
    person("Dry Run Owner", workers=1)
    lead()
    acknowledge(days_ago=9)
    before = rows(store.path, "SELECT * FROM registrations ORDER BY uuid")
    result = run("purge", "--dry-run", "--json", db=store.path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True
    assert (report["registrations"], report["leads"]) == (2, 1)
    assert set(report) == {"db", "dry_run", "older_than_days", "cutoff", "registrations",
                           "leads", "history", "batch_bodies", "drafts", "receipt_files",
                           "nik_key_id", "compacted", "wal_bytes", "warnings", "readers",
                           "waited_s", "compaction_pending"}  # fmt: skip
    assert rows(store.path, "SELECT * FROM registrations ORDER BY uuid") == before
    assert not [a for a in store.audit.entries() if a.action == "store.purge"]


def test_cli_purge_uses_the_configured_retention_and_audits(
    store: Store, person: Callable, acknowledge: Callable, isolated: Path
) -> None:
    person("Retention Owner")
    acknowledge(days_ago=4)
    assert json.loads(run("purge", "--json", db=store.path).stdout)["registrations"] == 0
    (isolated / "config.toml").write_text("retention_days = 3\n")
    result = run("purge", "--json", db=store.path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["older_than_days"] == 3 and report["registrations"] == 1
    (entry,) = [a for a in store.audit.entries() if a.action == "store.purge"]
    assert entry.detail["registrations"] == 1 and entry.detail["older_than_days"] == 3
    text = run("purge", "--older-than", "30", db=store.path)
    assert "longer than the consent text promises" in text.stdout


def test_offline_duplicate_warnings_still_work_after_purge(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    owner = person("Repeat Visitor")
    nik = nik_of(store, owner["uuid"])
    acknowledge(days_ago=8)
    store.purge(older_than_days=7)
    (hit,) = store.registrations.find_by_nik(nik)
    assert hit["uuid"] == owner["uuid"] and hit["nik"] is None and hit["full_name"] == "—"
    assert store.queries.page("registrations", search=nik).total == 1
    assert store.registrations.find_by_nik("1671014512900001") == []


def test_the_hub_key_from_the_downlink_makes_the_digest(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    import base64

    from outreach_tui.domain.wire import nik_digest

    key = b"k" * 32
    SyncQueue(store.database, store.device_id).apply_downlink(
        {"cursor": "1", "nik_key": {"key_id": "k7", "key": base64.b64encode(key).decode()}},
        hub_id="hub-test",
    )
    owner = person("Hub Keyed")
    nik = nik_of(store, owner["uuid"])
    acknowledge(days_ago=8)
    report = store.purge(older_than_days=7)
    assert report.nik_key_id == "k7"
    row = rows(store.path, "SELECT nik_digest, nik_key_id FROM registrations")[0]
    assert row == {"nik_digest": nik_digest(key, nik), "nik_key_id": "k7"}


def test_purged_records_are_final_on_the_laptop(
    store: Store, person: Callable, lead: Callable, acknowledge: Callable
) -> None:
    owner, saved_lead = person("Final Owner"), lead()
    acknowledge(days_ago=8)
    store.purge(older_than_days=7)
    with pytest.raises(StoreError, match="purged"):
        store.registrations.void(owner["uuid"], "salah input", officer_code=OFFICER)
    with pytest.raises(StoreError, match="purged"):
        store.leads.void(saved_lead.uuid, "salah input", officer_code=OFFICER)
    with pytest.raises(Exception, match="purged"):
        write(store.path, "UPDATE registrations SET full_name = 'Back Again' WHERE uuid = ?",
              (owner["uuid"],))  # fmt: skip
    assert SyncQueue(store.database, store.device_id).pending_count() == 0


# Sync bookkeeping only; every other column of a purged row is frozen by its trigger.
BOOKKEEPING = {"sync_state", "sync_code", "sync_field", "sync_message", "synced_at",
               "base_version"}  # fmt: skip


@pytest.mark.parametrize("table", ["registrations", "leads"])
def test_every_own_column_of_a_purged_row_is_frozen(
    store: Store, person: Callable, lead: Callable, acknowledge: Callable, table: str
) -> None:
    # The trigger names the columns it guards (so sync bookkeeping stays cheap): a column
    # added later without being added to the trigger would be left open. Each one is tried.
    person("Frozen Owner"), lead()
    acknowledge(days_ago=8)
    store.purge(older_than_days=7)
    uuid = rows(store.path, f"SELECT uuid FROM {table} WHERE purged_at IS NOT NULL")[0]["uuid"]
    info = rows(store.path, f"SELECT name FROM pragma_table_info('{table}')")
    columns = [r["name"] for r in info]
    assert set(columns) > BOOKKEEPING
    for column in columns:
        if column in BOOKKEEPING:
            continue
        with pytest.raises(Exception, match="purged"):
            write(store.path, f"UPDATE {table} SET {column} = {column} WHERE uuid = ?", (uuid,))
    # Bookkeeping may be set, but a purged row never waits for sync again (0004's CHECK).
    write(store.path, f"UPDATE {table} SET sync_code = NULL WHERE uuid = ?", (uuid,))
    with pytest.raises(Exception, match="CHECK"):
        write(store.path, f"UPDATE {table} SET sync_state = 'pending' WHERE uuid = ?", (uuid,))


def test_old_batch_bodies_and_receipt_files_go_too(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    owner = person("Receipt Holder")
    folder = store.path.parent / "receipts"
    folder.mkdir()
    for suffix in (".txt", ".pdf"):
        (folder / f"{owner['reference']}{suffix}").write_text("Receipt Holder")
    (folder / "OTHER-FILE-KEPT.txt").write_text("not ours")
    acknowledge(days_ago=8)
    assert rows(store.path, "SELECT count(*) AS n FROM sync_batches WHERE body IS NOT NULL")[0]["n"]
    report = store.purge(older_than_days=7)
    assert report.batch_bodies == 1 and report.receipt_files == 2
    assert rows(store.path, "SELECT body FROM sync_batches") == [{"body": None}]
    assert sorted(p.name for p in folder.iterdir()) == ["OTHER-FILE-KEPT.txt"]


def test_purge_module_uses_the_ack_time_not_the_creation_time(
    store: Store, person: Callable, acknowledge: Callable
) -> None:
    person("Boundary")
    acknowledge(days_ago=0)
    later = datetime.now(UTC) + timedelta(days=7, minutes=1)
    assert purge(store.database, store.device_id, older_than_days=7, dry_run=True,
                 now=later).registrations == 1  # fmt: skip
    assert purge(store.database, store.device_id, older_than_days=8, dry_run=True,
                 now=later).registrations == 0  # fmt: skip
