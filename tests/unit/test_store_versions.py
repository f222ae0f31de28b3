"""The one versioned-change path (store/versions.py) that registrations and leads share:
each edit and void keeps the old row, takes a new seq, bumps the version, marks the record
pending on the version the hub holds, and audits it, the same way for both entities; a row
read outside the writing transaction cannot overwrite a newer version."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain.models import LeadDraft, Registration, SavedRecord
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store, StoreError
from outreach_tui.store.versions import VersionedRecords

TODAY = date(2026, 11, 23)
TABLES = {"registration": "registrations", "lead": "leads"}


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def acknowledge(path: Path, table: str, record_uuid: str) -> None:
    """As the hub's receipt leaves it: synced at version 1."""
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"UPDATE {table} SET sync_state = 'synced' WHERE uuid = ?", [record_uuid])
        conn.commit()
    finally:
        conn.close()


def saved_record(
    entity: str, store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> str:
    if entity == "registration":
        saved = store.registrations.save(make_owner(), officer_code="PLG-01", event_id=event_id)
        return saved.owner.uuid
    lead = validate_lead(
        LeadDraft(full_name="Andi Wijaya", phone="0821-7777-8888", consent_contact=True,
                  consent_version="2026.1"),
        today=TODAY,
    ).record  # fmt: skip
    assert lead is not None
    return store.leads.save(lead, officer_code="PLG-01", event_id=event_id).uuid


def edit(
    entity: str, store: Store, record_uuid: str, make_owner: Callable[..., Registration]
) -> SavedRecord:
    if entity == "registration":
        row = store.registrations.get(record_uuid)
        assert row is not None
        return store.registrations.edit(
            record_uuid, make_owner(nik=row["nik"], full_name="Siti Aminah Baru"),
            officer_code="PLG-01",
        )  # fmt: skip
    lead = validate_lead(
        LeadDraft(full_name="Siti Aminah Baru", phone="0821-7777-8888", consent_contact=True,
                  consent_version="2026.1"),
        today=TODAY,
    ).record  # fmt: skip
    assert lead is not None
    return store.leads.edit(record_uuid, lead, officer_code="PLG-01")


@pytest.mark.parametrize("entity", ["registration", "lead"])
def test_an_edit_and_a_void_take_the_same_steps_for_both_entities(
    entity: str, store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    table = TABLES[entity]
    record_uuid = saved_record(entity, store, event_id, make_owner)
    acknowledge(store.path, table, record_uuid)

    edit(entity, store, record_uuid, make_owner)
    writer = store.registrations if entity == "registration" else store.leads
    writer.void(record_uuid, "  dobel  ", officer_code="PLG-01")

    (row,) = rows(store.path, f"SELECT * FROM {table} WHERE uuid = ?", (record_uuid,))
    (seq,) = rows(store.path, "SELECT value FROM counters WHERE name = 'seq'")
    assert row["version"] == 3 and row["seq"] == seq["value"]
    assert (row["sync_state"], row["base_version"]) == ("pending", 1)  # the hub holds v1
    assert row["full_name"] == "Siti Aminah Baru" and row["void_reason"] == "dobel"
    assert row["voided_at"] == row["updated_at"]
    history = rows(
        store.path, "SELECT version, data FROM record_history WHERE entity = ? AND uuid = ?"
        " ORDER BY version", (entity, record_uuid),
    )  # fmt: skip
    assert [h["version"] for h in history] == [1, 2]
    assert json.loads(history[1]["data"])["full_name"] == "Siti Aminah Baru"
    audit = rows(
        store.path, "SELECT action, version, detail FROM audit_log WHERE entity_uuid = ?"
        " ORDER BY id", (record_uuid,),
    )  # fmt: skip
    assert [(a["action"], a["version"]) for a in audit] == [
        (f"{entity}.create", 1), (f"{entity}.edit", 2), (f"{entity}.void", 3),
    ]  # fmt: skip
    assert json.loads(audit[1]["detail"]) == {"fields": ["full_name"]}
    assert json.loads(audit[2]["detail"]) == {"reason": "dobel"}


@pytest.mark.parametrize("entity", ["registration", "lead"])
def test_a_stale_row_cannot_overwrite_a_newer_version(
    entity: str, store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    table = TABLES[entity]
    record_uuid = saved_record(entity, store, event_id, make_owner)
    records = VersionedRecords(entity, table, store.device_id)
    with store.database.read() as tx:
        stale = records.current(tx, record_uuid)  # version 1, read outside the write below
    edit(entity, store, record_uuid, make_owner)  # version 2
    before = {
        name: rows(store.path, f"SELECT * FROM {name} ORDER BY rowid")
        for name in (table, "record_history", "audit_log", "counters")
    }

    with pytest.raises(StoreError, match="changed meanwhile"), store.database.write() as tx:
        records.change(
            tx, stale, {"full_name": "Lama"}, officer_code="PLG-01", action=f"{entity}.edit",
            detail={"fields": ["full_name"]},
        )  # fmt: skip

    assert {
        name: rows(store.path, f"SELECT * FROM {name} ORDER BY rowid") for name in before
    } == before


def test_a_registration_edit_that_changes_nothing_writes_nothing(
    store: Store, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    owner = make_owner()
    saved = store.registrations.save(owner, officer_code="PLG-01", event_id=event_id)
    records = VersionedRecords("registration", "registrations", store.device_id)
    with store.database.write() as tx:
        changed = records.edit(
            tx, None, saved.owner.uuid,
            {"full_name": owner.full_name, "phone": owner.phone}, officer_code="PLG-01",
        )  # fmt: skip
    assert changed == []
    assert rows(store.path, "SELECT count(*) AS n FROM record_history") == [{"n": 0}]
