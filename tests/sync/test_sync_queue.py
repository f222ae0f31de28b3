"""The laptop's sync bookkeeping on a real SQLite file (protocol section 3), no hub needed.

Receipts are plain dicts shaped like the hub's (tests/sync/helpers.py); every assertion reads
the file back with a separate sqlite3 connection.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_tui.domain import wire
from outreach_tui.domain.models import Registration
from outreach_tui.store import Store, StoreError
from outreach_tui.store.outbox import SyncQueue, day_digest
from tests.conftest import owner_draft, validated
from tests.sync.helpers import HUB_ID, execute, receipt, rows, scalar

OFFICER = "PLG-01"


def states(store: Store) -> dict[str, str]:
    return {
        r["uuid"]: r["sync_state"]
        for r in rows(store.path, "SELECT uuid, sync_state FROM registrations")
        + rows(store.path, "SELECT uuid, sync_state FROM leads")
    }


def test_next_batch_writes_an_open_batch_and_marks_its_records_uploading(
    store: Store, queue: SyncQueue, register: Callable[..., Any], save_lead: Callable[..., Any]
) -> None:
    saved = register(workers=2)
    lead = save_lead()
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch is not None and batch.size == 4
    assert [r["uuid"] for r in batch.records] == [
        saved.owner.uuid, *(w.uuid for w in saved.workers), lead.uuid
    ]  # fmt: skip
    assert set(states(store).values()) == {"uploading"}
    (row,) = rows(store.path, "SELECT * FROM sync_batches")
    assert (row["batch_id"], row["status"], row["record_count"]) == (batch.batch_id, "open", 4)
    assert (row["seq_from"], row["seq_to"]) == (saved.owner.seq, lead.seq)
    body = batch.body
    assert body["device_id"] == store.device_id
    assert body["officer"] == {"code": OFFICER, "name": "Rina Marlina", "branch_code": "PLG"}
    assert [e["code"] for e in body["events"]] == ["EXPO-PLG-2026-11"]
    assert set(body["events"][0]) == set(wire.EVENT_FIELDS)
    owner = body["records"][0]
    assert owner["entity"] == "registration" and owner["version"] == 1
    assert owner["base_version"] is None
    # state_funded and the consent extras travel only when set (wire.OPTIONAL_…), and so do
    # the details (wire.DETAIL_FIELDS): this owner's branch and band are set, the rest not
    when_set = wire.OPTIONAL_REGISTRATION_FIELDS | set(wire.DETAIL_FIELDS)
    assert set(owner["data"]) - when_set == set(wire.REGISTRATION_FIELDS) - when_set
    assert set(owner["data"]) & when_set == {"branch_code", "income_band"}
    assert owner["data"]["event_code"] == "EXPO-PLG-2026-11"
    assert owner["content_hash"] == hashlib.sha256(wire.canonical_json(owner["data"])).hexdigest()
    assert set(body["records"][3]["data"]) == set(wire.LEAD_FIELDS)


def test_batches_follow_seq_order_and_never_overlap(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    for _ in range(5):
        register()
    first = queue.next_batch(2, hub_id=HUB_ID)
    second = queue.next_batch(2, hub_id=HUB_ID)
    third = queue.next_batch(2, hub_id=HUB_ID)
    assert queue.next_batch(2, hub_id=HUB_ID) is None
    assert first and second and third
    sent = [r["uuid"] for b in (first, second, third) for r in b.records]
    expected = [r["uuid"] for r in rows(store.path, "SELECT uuid FROM registrations ORDER BY seq")]
    assert sent == expected
    assert first.body["seq_to"] < second.body["seq_from"]


def test_accepted_receipt_marks_synced_acks_the_batch_and_advances_the_checkpoint(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=1)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    summary = queue.apply_receipt(batch.batch_id, receipt(batch))
    assert summary.counts == {"accepted": 2, "duplicate": 0, "conflict": 0, "rejected": 0}
    for row in rows(store.path, "SELECT * FROM registrations"):
        assert row["sync_state"] == "synced"
        assert row["base_version"] == row["version"] == 1
        assert row["synced_at"]
    (b,) = rows(store.path, "SELECT * FROM sync_batches")
    assert b["status"] == "acked" and b["acked_at"] and b["receipt"]
    assert scalar(store.path, "SELECT count(*) FROM sync_receipts") == 2
    checkpoint = queue.checkpoint(HUB_ID)
    assert checkpoint and checkpoint["last_acked_seq"] == batch.body["seq_to"]
    assert queue.pending_count() == 0
    assert queue.open_batches() == []


def test_each_outcome_sets_its_own_state_and_reason(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    a, b, c, d = (register().owner.uuid for _ in range(4))
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    rejected = {"outcome": "rejected", "code": "nik.province", "field": "nik",
                "message": "Kode provinsi NIK tidak dikenal."}  # fmt: skip
    summary = queue.apply_receipt(
        batch.batch_id,
        receipt(batch, **{b: "duplicate", c: "conflict", d: rejected}),
    )
    assert summary.counts == {"accepted": 1, "duplicate": 1, "conflict": 1, "rejected": 1}
    assert [p["uuid"] for p in summary.problems] == [c, d]
    assert states(store) == {a: "synced", b: "synced", c: "conflict", d: "rejected"}
    (row,) = rows(store.path, "SELECT * FROM registrations WHERE uuid = ?", (d,))
    assert (row["sync_code"], row["sync_field"]) == ("nik.province", "nik")
    assert row["sync_message"] == "Kode provinsi NIK tidak dikenal."
    assert row["base_version"] is None  # the hub never acknowledged it
    assert queue.state_counts()["rejected"] == 1
    assert {p["uuid"] for p in queue.problems()} == {c, d}


def test_an_edit_made_while_the_batch_was_in_flight_stays_pending_based_on_the_ack(
    store: Store, queue: SyncQueue, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    owner = make_owner(workers_count=0)
    saved = store.registrations.save(owner, officer_code=OFFICER, event_id=event_id)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    store.registrations.edit(
        saved.owner.uuid, replace(owner, full_name="Siti Aminah Putri"), officer_code=OFFICER
    )
    queue.apply_receipt(batch.batch_id, receipt(batch))
    row = store.registrations.get(saved.owner.uuid)
    assert row is not None
    assert (row["version"], row["sync_state"], row["base_version"]) == (2, "pending", 1)
    again = queue.next_batch(10, hub_id=HUB_ID)
    assert again and again.records[0]["version"] == 2 and again.records[0]["base_version"] == 1
    assert again.records[0]["data"]["full_name"] == "Siti Aminah Putri"


def test_a_batch_written_while_another_is_in_flight_leaves_its_edited_records_out(
    store: Store, queue: SyncQueue, event_id: str, make_owner: Callable[..., Registration],
    register: Callable[..., Any],
) -> None:  # fmt: skip
    """What the runner's pipeline relies on: batch k+1 is written while k travels, without
    the records of k (a newer version needs k's receipt for its base_version)."""
    owner = make_owner(workers_count=0)
    saved = store.registrations.save(owner, officer_code=OFFICER, event_id=event_id)
    in_flight = queue.next_batch(10, hub_id=HUB_ID)
    assert in_flight and in_flight.uuids == {saved.owner.uuid}
    store.registrations.edit(
        saved.owner.uuid, replace(owner, full_name="Siti Aminah Putri"), officer_code=OFFICER
    )
    other = register().owner.uuid
    ahead = queue.next_batch(10, hub_id=HUB_ID, exclude=in_flight.uuids)
    assert ahead and [r["uuid"] for r in ahead.records] == [other]
    queue.apply_receipt(in_flight.batch_id, receipt(in_flight), sent=in_flight)
    queue.apply_receipt(ahead.batch_id, receipt(ahead))  # read back from the file
    assert states(store) == {saved.owner.uuid: "pending", other: "synced"}
    last = queue.next_batch(10, hub_id=HUB_ID, exclude=ahead.uuids)
    assert last and [(r["version"], r["base_version"]) for r in last.records] == [(2, 1)]


def test_the_stored_body_is_the_exact_text_that_is_sent(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=2)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch and batch.encoded is not None
    (stored,) = rows(store.path, "SELECT body FROM sync_batches")
    assert stored["body"].encode() == batch.encoded
    (left,) = queue.open_batches()
    assert left.encoded == batch.encoded and json.loads(batch.encoded) == batch.body
    for sent in batch.body["records"]:  # data travels as the canonical JSON it is hashed as
        assert wire.canonical_json(sent["data"]) in batch.encoded


def test_an_open_batch_survives_a_restart_byte_for_byte(
    db_path: Any, store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=1)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    register()  # saved after the batch was built
    store.close()
    with Store(db_path) as reopened:
        again = SyncQueue(reopened.database, reopened.device_id)
        (left,) = again.open_batches()
        assert left.resent and left.batch_id == batch.batch_id and left.body == batch.body
        nxt = again.next_batch(10, hub_id=HUB_ID)
        assert nxt and nxt.size == 1  # only the new record; the open batch keeps its own
        assert again.pending_count() == 3


def test_an_open_batch_is_resent_identical_even_after_an_edit(
    store: Store, queue: SyncQueue, event_id: str, make_owner: Callable[..., Registration]
) -> None:
    owner = make_owner(workers_count=0)
    saved = store.registrations.save(owner, officer_code=OFFICER, event_id=event_id)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    store.registrations.edit(saved.owner.uuid, replace(owner, full_name="Siti A"),
                             officer_code=OFFICER)  # fmt: skip
    (left,) = queue.open_batches()
    assert batch and left.body == batch.body and left.records[0]["version"] == 1


def test_applying_a_receipt_twice_changes_nothing(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=2)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    queue.apply_receipt(batch.batch_id, receipt(batch))
    before = {
        t: rows(store.path, f"SELECT * FROM {t}")
        for t in ("registrations", "sync_receipts", "sync_batches", "sync_checkpoints")
    }
    again = queue.apply_receipt(batch.batch_id, {**receipt(batch, "rejected"), "replayed": True})
    assert again.replayed and sum(again.counts.values()) == 0
    after = {t: rows(store.path, f"SELECT * FROM {t}") for t in before}
    assert after == before  # fmt: skip


def test_records_the_receipt_does_not_mention_go_back_to_pending(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    a, b = register().owner.uuid, register().owner.uuid
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    answer = receipt(batch)
    answer["results"] = [r for r in answer["results"] if r["uuid"] == a]
    answer["results"].append({"uuid": "not-sent", "version": 1, "outcome": "accepted"})
    summary = queue.apply_receipt(batch.batch_id, answer)
    assert summary.unanswered == 1
    assert states(store) == {a: "synced", b: "pending"}
    nxt = queue.next_batch(10, hub_id=HUB_ID)
    assert nxt and [r["uuid"] for r in nxt.records] == [b]


def test_unknown_batch_is_refused(queue: SyncQueue) -> None:
    with pytest.raises(StoreError):
        queue.apply_receipt("no-such-batch", {"results": []})


def test_abandoned_batch_releases_its_records_for_a_new_batch(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    register(workers=3)
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    queue.abandon_batch(batch.batch_id)
    assert set(states(store).values()) == {"pending"}
    assert scalar(store.path, "SELECT status FROM sync_batches") == "failed"
    smaller = queue.next_batch(2, hub_id=HUB_ID)
    assert smaller and smaller.batch_id != batch.batch_id and smaller.size == 2


def test_recover_releases_uploading_records_no_open_batch_holds(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    held = register().owner.uuid
    queue.next_batch(10, hub_id=HUB_ID)
    stray = register().owner.uuid
    execute(  # a damaged run: uploading without a batch
        store.path, "UPDATE registrations SET sync_state = 'uploading' WHERE uuid = ?", (stray,)
    )
    assert queue.recover() == 1
    assert states(store) == {held: "uploading", stray: "pending"}


@pytest.fixture
def edited_owner(
    store: Store,
    event_id: str,
    make_owner: Callable[..., Registration],
    make_worker: Callable[..., Registration],
) -> Callable[[int], Any]:
    """``edited_owner(workers)``: an owner saved with its workers, never acknowledged, then
    edited, which moves it after its workers in seq order (it must still travel first)."""

    def make(workers: int) -> Any:
        owner = make_owner(workers_count=workers)
        saved = store.registrations.save(owner, [make_worker() for _ in range(workers)],
                                         officer_code=OFFICER, event_id=event_id)  # fmt: skip
        store.registrations.edit(saved.owner.uuid, replace(owner, full_name="Siti B"),
                                 officer_code=OFFICER)  # fmt: skip
        return saved

    return make


def test_a_worker_never_travels_before_its_unsynced_owner(
    queue: SyncQueue, edited_owner: Callable[[int], Any]
) -> None:
    saved = edited_owner(1)
    # The owner takes the only place (a batch over the limit would be refused by a hub
    # whose max_records it is); the worker follows in the next batch.
    first = queue.next_batch(1, hub_id=HUB_ID)
    assert first and [r["uuid"] for r in first.records] == [saved.owner.uuid]
    second = queue.next_batch(1, hub_id=HUB_ID)
    assert second and [r["uuid"] for r in second.records] == [saved.workers[0].uuid]
    assert queue.next_batch(1, hub_id=HUB_ID) is None


def test_owners_pulled_in_count_towards_the_batch_size(
    store: Store, queue: SyncQueue, edited_owner: Callable[[int], Any]
) -> None:
    owners = [edited_owner(2).owner.uuid for _ in range(3)]
    sizes, order = [], []
    while batch := queue.next_batch(4, hub_id=HUB_ID):
        sizes.append(batch.size)
        order += [r["uuid"] for r in batch.records]
    assert sizes == [4, 4, 1]
    assert len(order) == len(set(order)) == 9
    for owner in owners:  # every owner before its workers
        workers = [u for u in order if store.registrations.get(u)["owner_uuid"] == owner]
        assert all(order.index(owner) < order.index(w) for w in workers)


def test_two_threads_building_batches_never_share_a_record(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    for _ in range(30):
        register()
    batches: list[Any] = []

    def drain() -> None:
        while (batch := queue.next_batch(3, hub_id=HUB_ID)) is not None:
            batches.append(batch)

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = [r["uuid"] for b in batches for r in b.records]
    assert len(sent) == len(set(sent)) == 30
    assert scalar(store.path, "SELECT count(*) FROM sync_batches WHERE status = 'open'") == 10


def test_export_bundle_holds_every_waiting_record_and_writes_nothing(
    store: Store, queue: SyncQueue, register: Callable[..., Any], save_lead: Callable[..., Any]
) -> None:
    assert queue.export_bundle() is None
    register(workers=1)
    queue.next_batch(1, hub_id=HUB_ID)  # one record uploading in an open batch
    save_lead()
    before = rows(store.path, "SELECT * FROM registrations")
    bundle = queue.export_bundle()
    assert bundle and bundle["kind"] == "outreach-bundle" and bundle["protocol"] == 1
    assert len(bundle["records"]) == 3 and bundle["device_id"] == store.device_id
    assert {"batch_id", "seq_from", "seq_to", "events", "officer"} <= set(bundle)
    assert rows(store.path, "SELECT * FROM registrations") == before
    assert queue.export_bundle()["batch_id"] != bundle["batch_id"]  # type: ignore[index]


def test_dry_run_counts_batches_without_writing(
    store: Store, queue: SyncQueue, register: Callable[..., Any]
) -> None:
    for _ in range(5):
        register()
    queue.next_batch(2, hub_id=HUB_ID)
    before = rows(store.path, "SELECT * FROM registrations")
    view = queue.dry_run(2)
    assert view["pending"] == {"registration": 5, "lead": 0}
    assert len(view["open_batches"]) == 1 and view["batches"] == 3
    assert rows(store.path, "SELECT * FROM registrations") == before


def xor_digest(pairs: list[tuple[str, int]]) -> str:
    acc = 0
    for uuid, version in pairs:
        acc ^= int(hashlib.sha256(f"{uuid}:{version}".encode()).hexdigest(), 16)
    return format(acc, "064x")


def test_local_reconcile_counts_acknowledged_records_per_jakarta_day(
    store: Store,
    queue: SyncQueue,
    register: Callable[..., Any],
    save_lead: Callable[..., Any],
    make_owner: Callable[..., Registration],
    event_id: str,
) -> None:
    owner = make_owner(workers_count=0)
    edited = store.registrations.save(owner, officer_code=OFFICER, event_id=event_id).owner.uuid
    register(workers=1)
    lead = save_lead().uuid
    batch = queue.next_batch(10, hub_id=HUB_ID)
    assert batch
    queue.apply_receipt(batch.batch_id, receipt(batch))
    register()  # never sent: not on the hub
    store.registrations.edit(edited, replace(owner, full_name="Siti C"), officer_code=OFFICER)
    # 18:30 UTC is already the next day in Jakarta (UTC+7)
    execute(
        store.path,
        "UPDATE leads SET created_at = '2026-11-22T18:30:00.000Z' WHERE uuid = ?",
        (lead,),
    )
    days = queue.local_reconcile()
    by_day = {d["day"]: d for d in days}
    assert by_day["2026-11-23"]["leads"] == 1
    sent = {r["uuid"]: r["version"] for r in batch.records if r["entity"] == "registration"}
    today = [d for d in days if d["registrations"]]
    assert sum(d["registrations"] for d in today) == 3
    (reg_day,) = today
    assert reg_day["digest"] == xor_digest(
        list(sent.items()) + ([(lead, 1)] if reg_day["day"] == "2026-11-23" else [])
    )
    assert sent[edited] == 1  # the edited owner counts at the acknowledged version
    assert queue.local_reconcile(days={"1999-01-01"}) == []


def test_downlink_stores_digests_key_reviews_reference_and_cursor(
    store: Store, queue: SyncQueue
) -> None:
    import base64
    import hmac

    key = b"branch-secret-key-0001"
    nik = "1671014512900001"
    digest = hmac.new(key, nik.encode(), hashlib.sha256).hexdigest()
    downlink = {
        "cursor": "c-1",
        "reference": {"version": "2026.02", "content": "# toml"},
        "nik_key": {"key_id": "k1", "key": base64.b64encode(key).decode()},
        "known_participants": [
            {"nik_digest": digest, "registered_on": "2026-11-20", "branch_code": "PLG"}
        ],
        "review_outcomes": [
            {"uuid": "0196-r", "outcome": "same_person", "reviewed_at": "2026-11-22T01:00:00Z"}
        ],
    }
    done = queue.apply_downlink(downlink, hub_id=HUB_ID)
    assert done == {"reference": 1, "known_participants": 1, "review_outcomes": 1,
                    "activation_outcomes": 0}  # fmt: skip
    known = queue.known_participant(nik)
    assert known and known["registered_on"] == "2026-11-20" and known["key_id"] == "k1"
    assert queue.known_participant("1671014512900002") is None
    assert queue.checkpoint(HUB_ID)["downlink_cursor"] == "c-1"  # type: ignore[index]
    assert rows(store.path, "SELECT outcome FROM review_outcomes") == [{"outcome": "same_person"}]
    assert scalar(store.path, "SELECT version FROM reference_data") == "2026.02"
    # the same downlink again is harmless; a new key drops digests it can no longer match
    queue.apply_downlink(downlink, hub_id=HUB_ID)
    assert scalar(store.path, "SELECT count(*) FROM known_participants") == 1
    rotated = {**downlink, "known_participants": [], "cursor": "c-2",
               "nik_key": {"key_id": "k2", "key": base64.b64encode(b"other").decode()}}  # fmt: skip
    queue.apply_downlink(rotated, hub_id=HUB_ID)
    assert scalar(store.path, "SELECT count(*) FROM known_participants") == 0
    assert queue.known_participant(nik) is None


def test_reconcile_of_an_empty_device_is_empty(queue: SyncQueue) -> None:
    assert queue.local_reconcile() == []


# -- properties -----------------------------------------------------------------------------

pairs = st.lists(st.tuples(st.uuids().map(str), st.integers(1, 50)), max_size=30, unique=True)


@given(pairs, st.randoms())
def test_the_day_digest_ignores_order_and_matches_the_hubs(
    records: list[tuple[str, int]], rnd: Any
) -> None:
    from outreach_tui.hub.reconcile import record_digest

    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert day_digest(records) == day_digest(shuffled)
    hub_side = 0
    for uuid, version in records:
        hub_side ^= record_digest(uuid, version)
    assert day_digest(records) == f"{hub_side:064x}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["accepted", "duplicate", "conflict", "rejected", None]),
                  st.booleans()),
        min_size=1, max_size=8,
    )
)  # fmt: skip
def test_any_receipt_leaves_every_record_in_a_state_that_tells_the_truth(
    plan: list[tuple[str | None, bool]],
) -> None:
    """Per record: an outcome (None = missing from the receipt) and whether the officer
    edited it while the batch was in flight. Afterwards nothing is uploading, a record is
    synced only at the version the hub acknowledged, and an edit is never lost."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "t.db") as store:
        store.setup.upsert_officer(OFFICER, "Rina")
        owners = [owner_draft(workers_count=0) for _ in plan]
        saved = [
            store.registrations.save(validated(d), officer_code=OFFICER, event_id=None).owner
            for d in owners
        ]
        queue = SyncQueue(store.database, store.device_id)
        batch = queue.next_batch(len(plan), hub_id=HUB_ID)
        assert batch is not None
        for (_, edited), draft, record in zip(plan, owners, saved, strict=True):
            if edited:
                store.registrations.edit(record.uuid, validated(replace(draft, full_name="X Y")),
                                         officer_code=OFFICER)  # fmt: skip
        answer = receipt(
            batch, None, **{r.uuid: o for (o, _), r in zip(plan, saved, strict=True) if o}
        )
        queue.apply_receipt(batch.batch_id, answer)
        for (outcome, edited), record in zip(plan, saved, strict=True):
            row = store.registrations.get(record.uuid)
            assert row is not None
            acked = outcome in ("accepted", "duplicate")
            if edited:
                assert (row["version"], row["sync_state"]) == (2, "pending")
                assert row["base_version"] == (1 if acked else None)
            elif acked:
                assert (row["sync_state"], row["base_version"]) == ("synced", 1)
            else:
                assert row["sync_state"] == (outcome or "pending")
        assert queue.open_batches() == []
