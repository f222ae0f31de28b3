"""Audit on both sides: the laptop records who created, edited, voided, exported, purged and
synced what; the hub records ingest, enrolment, revocation, review and import; neither
log can be rewritten through the store (UPDATE, DELETE, REPLACE, upsert, TRUNCATE)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain import origin
from outreach_tui.hub import audit as hub_audit
from outreach_tui.hub import binding
from outreach_tui.hub.auth import authenticate, enroll, revoke
from outreach_tui.hub.body import parse_model
from outreach_tui.hub.bundle import import_bundle
from outreach_tui.hub.downlink import record_review
from outreach_tui.hub.ingest import ingest_batch
from outreach_tui.hub.meta import load_hub_info
from outreach_tui.hub.storage import open_storage
from outreach_tui.protocol.requests import BatchIn
from outreach_tui.store import Store
from outreach_tui.store.device_key import signing_key
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.sync.bundle import write_bundle
from outreach_tui.sync.client import encode
from tests.conftest import OFFICER
from tests.privacy.conftest import rows, run
from tests.support.postgres import PostgresCluster, pg_cluster  # noqa: F401 - a fixture


def actions(store: Store) -> list[str]:
    return [e.action for e in reversed(store.audit.entries(limit=1000))]


def test_the_laptop_audits_every_kind_of_change(
    store: Store,
    person: Callable,
    lead: Callable,
    acknowledge: Callable,
    tmp_path: Path,
) -> None:
    owner = person("Audit Owner", workers=1)
    saved_lead = lead()
    store.registrations.void(owner["saved"].workers[0].uuid, "salah input", officer_code=OFFICER)
    store.leads.void(saved_lead.uuid, "tidak jadi", officer_code=OFFICER)
    assert run("export", "--out", str(tmp_path / "b.json"), db=store.path).exit_code == 0
    queue = SyncQueue(store.database, store.device_id)
    failed = queue.next_batch(1, hub_id="hub-test")
    assert failed is not None
    queue.abandon_batch(failed.batch_id)  # the hub refused the whole batch
    acknowledge(days_ago=8)
    queue.apply_downlink({"cursor": "5", "review_outcomes": [
        {"uuid": owner["uuid"], "outcome": "same_person", "reviewed_at": "2026-11-24T01:00:00Z"}
    ]}, hub_id="hub-test")  # fmt: skip
    store.purge(older_than_days=7, officer_code=OFFICER)
    assert run("backup", "--out", str(tmp_path / "copy.db"), db=store.path).exit_code == 0
    done = actions(store)
    for expected in ("registration.create", "lead.create", "registration.void", "lead.void",
                     "export.bundle", "sync.batch_failed", "sync.batch_acked", "sync.downlink",
                     "store.purge", "store.backup"):  # fmt: skip
        assert expected in done, expected
    assert done.index("sync.batch_acked") < done.index("store.purge")
    creates = [e for e in store.audit.entries(limit=100) if e.action == "registration.create"]
    assert creates[0].officer_code == OFFICER and creates[0].device_id == store.device_id
    cli = json.loads(run("audit", "--json", "--limit", "3", db=store.path).stdout)
    assert [e["action"] for e in cli["entries"]] == done[::-1][:3]


def test_an_edit_is_audited_with_the_fields_it_changed(store: Store, person: Callable) -> None:
    from dataclasses import replace

    from tests.conftest import owner_draft, validated

    owner = person("Before Edit")
    record = validated(owner_draft(full_name="After Edit", workers_count=0))
    row = store.registrations.get(owner["uuid"])
    assert row is not None
    store.registrations.edit(owner["uuid"], replace(record, nik=row["nik"]), officer_code=OFFICER)
    (edit,) = [e for e in store.audit.entries() if e.action == "registration.edit"]
    assert "full_name" in edit.detail["fields"] and edit.entity_uuid == owner["uuid"]


LAPTOP_REWRITES = (
    "UPDATE audit_log SET action = 'x'",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = 1",
    "INSERT OR REPLACE INTO audit_log (id, at, device_id, action) VALUES (1, 'now', 'd', 'x')",
    "REPLACE INTO audit_log (id, at, device_id, action) VALUES (1, 'now', 'd', 'x')",
    "INSERT INTO audit_log (id, at, device_id, action) VALUES (1, 'now', 'd', 'x')"
    " ON CONFLICT (id) DO UPDATE SET action = excluded.action",
)


@pytest.mark.parametrize("sql", LAPTOP_REWRITES)
def test_laptop_audit_rows_cannot_be_altered_through_the_store(
    store: Store, person: Callable, sql: str
) -> None:
    person("Audited")
    before = rows(store.path, "SELECT * FROM audit_log ORDER BY id")
    with (
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
        store.database.write() as db,
    ):
        db.execute(sql)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), store.database.write() as db:
        db.table("audit_log").delete_where("id > 0")
    assert rows(store.path, "SELECT * FROM audit_log ORDER BY id") == before


# -- hub --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def hub_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "hub.db")
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    return cluster.create_database()


def laptop_body(store: Store, register: Callable) -> dict[str, Any]:
    register(workers=1)
    bundle = SyncQueue(store.database, store.device_id).export_bundle()
    assert bundle is not None
    return {k: v for k, v in bundle.items() if k not in ("kind", "protocol", "signature")}


def test_the_hub_audits_ingest_enrol_revoke_review_and_import(
    hub_db: str, store: Store, register: Callable, tmp_path: Path
) -> None:
    with open_storage(hub_db) as storage:
        device, token = enroll(storage, officer=OFFICER, name="laptop-audit")
        body = laptop_body(store, register)
        batch = parse_model(BatchIn, encode(body), max_records=500, max_bytes=5_000_000)
        who = authenticate(storage, f"Bearer {token}")
        ingest_batch(storage, load_hub_info(storage), batch, device=who)  # binds the laptop
        # `outreach login` registers the laptop's key; its bundles are signed with it.
        hub = load_hub_info(storage)
        key = signing_key(store.database)
        public = origin.public_key(key)
        proof = origin.sign(key, origin.register_message(hub.hub_id, store.device_id, public))
        binding.register(storage, hub, who, store.device_id, public, proof)
        register()  # a record only the bundle carries
        bundle = SyncQueue(store.database, store.device_id).export_bundle()
        assert bundle is not None
        write_bundle(tmp_path / "carried.bundle", bundle)
        import_bundle(storage, tmp_path / "carried.bundle")
        record_review(storage, body["records"][0]["uuid"], "same_person", "SUP-01")
        revoke(storage, device.id)
        found = hub_audit.entries(storage, limit=50)
    done = [e["action"] for e in reversed(found)]
    assert done == ["device.enroll", "laptop.bind", "batch.api", "laptop.key", "batch.import",
                    "review.record", "device.revoke"]  # fmt: skip
    (api,) = [e for e in found if e["action"] == "batch.api"]
    assert api["actor"] == device.id and api["detail"]["accepted"] == 2
    assert {"id", "at", "actor", "action", "detail"} == set(found[0])
    result = run("hub", "audit", "--db", hub_db, "--json", "--action", "device")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["entries"]
    assert [e["action"] for e in listed] == ["device.revoke", "device.enroll"]
    table = run("hub", "audit", "--db", hub_db, "--limit", "2")
    assert table.exit_code == 0 and "device.revoke" in table.stdout


HUB_REWRITES = {
    "sqlite": [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "INSERT OR REPLACE INTO audit_log (id, at, action) VALUES (1, 'now', 'x')",
        "REPLACE INTO audit_log (id, at, action) VALUES (1, 'now', 'x')",
        "INSERT INTO audit_log (id, at, action) VALUES (1, 'now', 'x')"
        " ON CONFLICT (id) DO UPDATE SET action = excluded.action",
    ],
    "postgres": [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "INSERT INTO audit_log (id, at, action) OVERRIDING SYSTEM VALUE VALUES (1, 'now', 'x')"
        " ON CONFLICT (id) DO UPDATE SET action = excluded.action",
    ],
}


def test_hub_audit_rows_cannot_be_altered_through_the_store(hub_db: str) -> None:
    with open_storage(hub_db) as storage:
        with storage.transaction() as tx:
            hub_audit.append(tx, "test.entry", actor="me", note="kept")
        before = hub_audit.entries(storage)
        for sql in HUB_REWRITES[storage.dialect]:
            with pytest.raises(Exception, match="append-only"), storage.transaction() as tx:
                tx.execute(sql)
        assert hub_audit.entries(storage) == before
