"""The laptop's cheaper ways of writing and settling a batch say exactly what the plain ways
did: each record's ``data`` is wire's, receipt rows are stored as bound, an edit made in
flight is counted, and excluded records are read past however many there are."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from outreach_tui.domain import wire
from outreach_tui.domain.models import Registration
from outreach_tui.store import Store, crypto
from outreach_tui.store.crypto import StoreLocked, open_row
from outreach_tui.store.outbox import WAITING, SyncQueue
from outreach_tui.store.outbox import records as outgoing
from tests.sync.helpers import HUB_ID, execute, receipt, rows

OFFICER = "PLG-01"
PASS = "kopi susu gula aren"


def wire_data(path: Path, entity: str, uuid: str, cipher: Any = None) -> dict[str, Any]:
    """The record's ``data`` the long way: the whole row, opened, through wire's builder."""
    table = outgoing.TABLES[entity]
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        row = dict(
            conn.execute(
                f"SELECT t.*, e.code AS event_code_ FROM {table} t"
                " LEFT JOIN events e ON e.id = t.event_id WHERE t.uuid = ?",
                [uuid],
            ).fetchone()
        )
    finally:
        conn.close()
    row = open_row(cipher, table, row, strict=True)
    make = wire.registration_data if entity == "registration" else wire.lead_data
    return make(row, event_code=row["event_code_"])


def picked(store: Store) -> list[tuple[str, dict[str, Any]]]:
    with store.database.read() as db:
        return outgoing.pick(db, None, WAITING, store.database.cipher)


def assert_same_data(store: Store, cipher: Any = None) -> int:
    found = picked(store)
    for entity, row in found:
        expected = wire_data(store.path, entity, row["uuid"], cipher)
        # keys in order, values and their types (True == 1 would pass a plain ==)
        assert [(k, type(v), v) for k, v in row["data"].items()] == [
            (k, type(v), v) for k, v in expected.items()
        ]
    return len(found)


def test_each_records_data_is_wires_for_a_whole_sample_laptop(
    make_laptop: Callable[..., Path],
) -> None:
    path = make_laptop(120)
    # Values the generator may not make: no programs, an empty code between two, no
    # event, an estimate, a voided record, a lead without event or notes.
    execute(path, "UPDATE registrations SET programs = '' WHERE seq % 7 = 0")
    execute(path, "UPDATE registrations SET programs = 'JKK,,JKM' WHERE seq % 7 = 1")
    execute(path, "UPDATE registrations SET event_id = NULL WHERE seq % 5 = 0")
    execute(path, "UPDATE registrations SET estimate = 1 - estimate WHERE seq % 3 = 0")
    execute(path, "UPDATE registrations SET voided_at = updated_at, void_reason = 'dobel'"
                  " WHERE seq % 11 = 0")  # fmt: skip
    execute(path, "UPDATE leads SET event_id = NULL, notes = NULL WHERE seq % 2 = 0")
    with Store(path, create=False) as store:
        assert assert_same_data(store) > 120


def test_sealed_fields_are_opened_as_open_row_opens_them(
    store: Store,
    register: Callable[..., Any],
    save_lead: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setitem(crypto.SCRYPT, "n", 2**10)
    monkeypatch.setenv("OUTREACH_RUNTIME_DIR", str(tmp_path / "run"))
    register(workers=2)
    save_lead()
    store.crypto.enable(PASS)
    assert rows(store.path, "SELECT nik FROM registrations")[0]["nik"].startswith("enc1:")
    assert assert_same_data(store, store.database.cipher) == 4
    store.crypto.lock()
    with pytest.raises(StoreLocked):
        picked(store)


def test_a_value_that_only_looks_sealed_in_a_plain_store_is_refused_as_before(
    store: Store, register: Callable[..., Any]
) -> None:
    """No key, and a personal field that reads like a sealed value: nothing is sent."""
    register()
    execute(store.path, "UPDATE registrations SET email = 'enc1:not-really'")
    with pytest.raises(StoreLocked):
        picked(store)
    with pytest.raises(StoreLocked):
        SyncQueue(store.database, store.device_id).next_batch(10, hub_id=HUB_ID)


@pytest.mark.parametrize(
    "value",
    ["enc1:abc", "enc1:", "enc1", "enc1;x", "ENC1:abc", "enc10", "", "x enc1:", 123, b"enc1:abc"],
)
def test_sqlites_sealed_test_is_is_sealed(
    store: Store, register: Callable[..., Any], value: Any
) -> None:
    """What SQLite flags as sealed (the rows it has opened) is what ``is_sealed`` says."""
    register()
    execute(store.path, "UPDATE registrations SET email = ?", (value,))
    (stored,) = rows(store.path, "SELECT email FROM registrations")
    if crypto.is_sealed(stored["email"]):
        with pytest.raises(StoreLocked):
            picked(store)
    else:
        ((_, row),) = picked(store)
        assert row["data"]["email"] == stored["email"]


def test_a_batch_reads_past_any_number_of_excluded_waiting_records(
    store: Store,
    queue: SyncQueue,
    event_id: str,
    make_owner: Callable[..., Registration],
    register: Callable[..., Any],
) -> None:
    """Three records of a batch in flight are edited (waiting again, excluded); the next
    batch of two still finds the two records after them."""
    drafts = [make_owner(workers_count=0) for _ in range(3)]
    saved = [store.registrations.save(d, officer_code=OFFICER, event_id=event_id) for d in drafts]
    in_flight = queue.next_batch(3, hub_id=HUB_ID)
    assert in_flight is not None
    for draft, record in zip(drafts, saved, strict=True):
        store.registrations.edit(
            record.owner.uuid, replace(draft, full_name="Nama Baru"), officer_code=OFFICER
        )
    later = [register().owner.uuid for _ in range(2)]
    ahead = queue.next_batch(2, hub_id=HUB_ID, exclude=in_flight.uuids)
    assert ahead is not None and [r["uuid"] for r in ahead.records] == later


def test_an_edit_in_flight_is_counted_once_per_answer(
    store: Store, queue: SyncQueue, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    draft = make_owner(workers_count=0)
    saved = store.registrations.save(draft, officer_code=OFFICER, event_id=event_id)
    other = store.registrations.save(
        make_owner(workers_count=0), officer_code=OFFICER, event_id=event_id
    )
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch is not None
    store.registrations.edit(
        saved.owner.uuid, replace(draft, full_name="Nama Baru"), officer_code=OFFICER
    )
    answer = receipt(batch)
    answer["results"].append(dict(answer["results"][0]))  # the same answer twice
    assert answer["results"][0]["uuid"] == saved.owner.uuid
    summary = queue.apply_receipt(batch.batch_id, answer)
    assert summary.superseded == 2  # as many as the answers about it
    assert summary.counts["accepted"] == 3
    (edited,) = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (saved.owner.uuid,))
    assert (edited["version"], edited["base_version"], edited["sync_state"]) == (2, 1, "pending")
    assert edited["synced_at"] is None
    (synced,) = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (other.owner.uuid,))
    assert (synced["version"], synced["base_version"], synced["sync_state"]) == (1, 1, "synced")
    assert rows(store.path, "SELECT count(*) AS n FROM sync_receipts")[0]["n"] == 2


@pytest.mark.parametrize(
    "message",
    ["NUL\x00inside", "baris\nbaru\ttab", "emoji 😀 \u2028 Ñ", 'kutip " dan \\', 42, None],
)
def test_receipt_rows_are_stored_exactly_as_bound(
    store: Store, queue: SyncQueue, register: Callable[..., Any], message: Any
) -> None:
    register(workers=1)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch is not None
    first, second = (r["uuid"] for r in batch.records)
    problem = {"outcome": "rejected", "code": "nik.province", "field": "nik", "message": message}
    queue.apply_receipt(batch.batch_id, receipt(batch, **{second: problem}))
    stored = rows(
        store.path,
        "SELECT uuid, typeof(message) AS kind, hex(message) AS raw, outcome, code, field"
        " FROM sync_receipts ORDER BY rowid",
    )
    bound = sqlite3.connect(":memory:")  # binding into a TEXT column, as row by row did
    bound.execute("CREATE TABLE t (message TEXT)")
    bound.execute("INSERT INTO t VALUES (?)", [message])
    assert [(r["uuid"], r["outcome"]) for r in stored] == [
        (first, "accepted"),
        (second, "rejected"),
    ]
    assert (stored[1]["kind"], stored[1]["raw"]) == bound.execute(
        "SELECT typeof(message), hex(message) FROM t"
    ).fetchone()
    assert (stored[1]["code"], stored[1]["field"]) == ("nik.province", "nik")
    (row,) = rows(store.path, "SELECT sync_message FROM registrations WHERE uuid = ?", (second,))
    assert row["sync_message"] == (message if message != 42 else "42")  # TEXT affinity


def test_the_batch_keeps_a_summary_of_its_receipt(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=2)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch is not None
    _, b, c = (r["uuid"] for r in batch.records)
    answer = receipt(batch, **{b: "duplicate", c: None})
    answer["results"].append({"uuid": "not-sent", "version": 1, "outcome": "accepted"})
    queue.apply_receipt(batch.batch_id, answer)
    (kept,) = rows(store.path, "SELECT receipt FROM sync_batches")
    summary = json.loads(kept["receipt"])
    assert "results" not in summary  # each record's outcome is a row of sync_receipts
    assert {k: summary[k] for k in ("batch_id", "hub_id", "received_at", "replayed")} == {
        k: answer[k] for k in ("batch_id", "hub_id", "received_at", "replayed")
    }
    assert summary["counts"] == {"accepted": 1, "duplicate": 1, "conflict": 0, "rejected": 0}
    assert (summary["result_count"], summary["ignored"], summary["unanswered"]) == (3, 1, 1)
