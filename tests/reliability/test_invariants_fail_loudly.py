"""The invariant checkers fail loudly: a good laptop/hub pair passes, and each kind of
damage a bug could cause (a lost record, a doubled row, a doubled version, a laptop row
marked synced that the hub lacks, …) is caught and named with the record's uuid.

The good pair is real: a generated laptop synced through the real runner and client
into a real hub under uvicorn, then one record voided and synced again (so there is a
version 2 with history). Each test damages a copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outreach_tui.hub.storage import open_storage
from outreach_tui.store import Store
from tests.reliability.harness import RunningHub, make_laptop, sync_once
from tests.reliability.invariants import InvariantViolation, check_durable, check_in_step

pytestmark = pytest.mark.reliability


@dataclass(frozen=True)
class Pair:
    laptop: Path
    hub: Path
    synced: list[str]  # uuids of records the hub holds, for the damage
    edited: str  # a record at version 2 on both sides


@pytest.fixture(scope="module")
def good_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("good-pair")
    laptop = make_laptop(folder / "laptop.db", seed=11, registrations=30)
    hub = RunningHub(str(folder / "hub.db"))
    try:
        token = hub.token()
        assert (
            sync_once(laptop, hub.url, token, hub.hub_id, hub.hub_key, batch_size=10).exit_code == 0
        )
        with Store(laptop) as store:
            rows = store.queries.page("registrations", limit=500).rows
            edited = rows[0]["uuid"]
            store.registrations.void(edited, "data ganda", officer_code=rows[0]["officer_code"])
        assert sync_once(laptop, hub.url, token, hub.hub_id, hub.hub_key).exit_code == 0
    finally:
        hub.stop()
    synced = [r["uuid"] for r in rows if r["uuid"] != edited]
    yield Pair(laptop, folder / "hub.db", synced, edited)


@pytest.fixture
def pair(good_pair: Pair, tmp_path: Path) -> Pair:
    """A private copy of the good pair, to damage."""
    copies = []
    for path in (good_pair.laptop, good_pair.hub):
        target = tmp_path / path.name
        with sqlite3.connect(path) as src, sqlite3.connect(target) as out:
            src.backup(out)
        copies.append(target)
    return Pair(copies[0], copies[1], good_pair.synced, good_pair.edited)


def run_sql(path: Path, *statements: str, params: tuple = ()) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement, params if "?" in statement else ())
    finally:
        conn.close()


def without_primary_key(path: Path, table: str) -> None:
    """What a bug dropping the uniqueness would leave: the same rows, no PRIMARY KEY."""
    run_sql(
        path,
        f"CREATE TABLE {table}_copy AS SELECT * FROM {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE {table}_copy RENAME TO {table}",
    )


def check(pair: Pair) -> None:
    with open_storage(str(pair.hub), create=False) as storage:
        check_in_step(pair.laptop, storage, context="broken fixture")


def violation(pair: Pair) -> InvariantViolation:
    with pytest.raises(InvariantViolation) as caught:
        check(pair)
    print(caught.value)  # what a failing run shows (pytest -s)
    return caught.value


def test_the_good_pair_passes(pair: Pair) -> None:
    check(pair)


def test_a_record_deleted_on_the_hub_is_lost(pair: Pair) -> None:
    victim = pair.synced[0]
    run_sql(pair.hub, "DELETE FROM records WHERE uuid = ?", params=(victim,))
    error = violation(pair)
    assert {"lost", "count_mismatch", "digest_mismatch", "rollup_mismatch"} <= error.codes
    assert f"lost {victim}: laptop: registration v1 (synced)" in str(error)


def test_a_record_stored_twice_on_the_hub_is_a_duplicate_row(pair: Pair) -> None:
    victim = pair.synced[1]
    without_primary_key(pair.hub, "records")
    run_sql(pair.hub, "INSERT INTO records SELECT * FROM records WHERE uuid = ?", params=(victim,))
    error = violation(pair)
    assert f"duplicate_row {victim}: stored 2 times in records" in str(error)
    assert "rollup_mismatch" in error.codes  # the recount sees the double too


def test_a_version_stored_twice_is_a_duplicate_version(pair: Pair) -> None:
    without_primary_key(pair.hub, "record_versions")
    run_sql(
        pair.hub,
        "INSERT INTO record_versions SELECT * FROM record_versions WHERE uuid = ? AND version = 2",
        params=(pair.edited,),
    )
    error = violation(pair)
    assert error.codes == {"duplicate_version"}
    assert f"duplicate_version {pair.edited}: version 2 stored 2 times" in str(error)


def test_a_laptop_row_marked_synced_that_the_hub_lacks_is_lost(pair: Pair) -> None:
    with Store(pair.laptop) as store:
        officer = store.queries.page("registrations", limit=1).rows[0]["officer_code"]
        source = store.queries.page("leads", limit=1).rows[0]
    # A lead the hub never received, marked synced behind its back.
    fake = "0196ffff-ffff-7fff-bfff-ffffffffffff"
    conn = sqlite3.connect(pair.laptop)
    with conn:
        seq = conn.execute("SELECT max(value) + 1 FROM counters").fetchone()[0]
        conn.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
        conn.execute(
            "INSERT INTO leads (uuid, seq, full_name, phone, consent_contact, consent_version,"
            " consent_at, officer_code, device_id, created_at, updated_at, version, sync_state)"
            " VALUES (?, ?, 'Orang Baru', '+6281200000000', 1, '2026.1', ?, ?, ?, ?, ?, 1,"
            " 'synced')",
            (
                fake,
                seq,
                source["created_at"],
                officer,
                source["device_id"],
                source["created_at"],
                source["created_at"],
            ),
        )
    conn.close()
    error = violation(pair)
    assert f"lost {fake}: laptop: lead v1 (synced)" in str(error)
    assert {"lost", "count_mismatch", "digest_mismatch"} <= error.codes


def test_the_three_at_once_are_all_named(pair: Pair) -> None:
    deleted, doubled = pair.synced[2], pair.synced[3]
    run_sql(pair.hub, "DELETE FROM records WHERE uuid = ?", params=(deleted,))
    without_primary_key(pair.hub, "records")
    run_sql(pair.hub, "INSERT INTO records SELECT * FROM records WHERE uuid = ?", params=(doubled,))
    without_primary_key(pair.hub, "record_versions")
    run_sql(
        pair.hub,
        "INSERT INTO record_versions SELECT * FROM record_versions WHERE uuid = ? AND version = 2",
        params=(pair.edited,),
    )
    message = str(violation(pair))
    for expected in (
        f"lost {deleted}",
        f"duplicate_row {doubled}",
        f"duplicate_version {pair.edited}",
    ):
        assert expected in message


DAMAGE: dict[str, tuple[Callable[[Pair], str], set[str]]] = {
    "hub version ahead of the laptop": (
        lambda p: _hub_sql(p, "UPDATE records SET version = version + 1 WHERE uuid = ?", 4),
        {"version_mismatch", "missing_history", "digest_mismatch"},
    ),
    "hub data changed after ingest": (
        lambda p: _hub_sql(
            p,
            'UPDATE records SET data = replace(data, \'"officer_code":"\', '
            '\'"officer_code":"X\') '
            "WHERE uuid = ?",
            5,
        ),
        {"hash_mismatch_on_hub"},
    ),
    "a retry stored under a new uuid": (
        lambda p: _hub_sql(
            p,
            "INSERT INTO records (uuid, entity, version, content_hash, device_id, "
            "enrolled_device_id, officer_code, event_code, day, role, path, sector, "
            "monthly_due, voided, nik_digest, data, created_at, received_at, "
            "updated_at, batch_id, programs, converted, person_digest, unit_code) "
            "SELECT '0196eeee-eeee-7eee-beee-eeeeeeeeeeee', "
            "entity, version, content_hash, device_id, enrolled_device_id, "
            "officer_code, event_code, day, role, path, sector, monthly_due, "
            "voided, nik_digest, data, created_at, received_at, updated_at, "
            "batch_id, programs, converted, person_digest, unit_code FROM records "
            "WHERE uuid = ?",
            6,
        ),
        {"unknown_on_hub", "duplicate_content", "count_mismatch", "missing_history"},
    ),
    "a rollup counted twice": (
        lambda p: _hub_sql(
            p,
            "UPDATE daily_rollup SET registrations = registrations + 1 "
            "WHERE rowid = (SELECT min(rowid) FROM daily_rollup "
            "WHERE registrations > 0)",
            None,
        ),
        {"rollup_mismatch"},
    ),
    "a record left waiting after a finished sync": (
        lambda p: _laptop_sql(
            p, "UPDATE registrations SET sync_state = 'pending' WHERE uuid = ?", 7
        ),
        {"still_waiting"},
    ),
    "content differs for the same version": (
        lambda p: _hub_sql(
            p, "UPDATE records SET content_hash = ? WHERE uuid = ?", 8, first="f" * 64
        ),
        {"content_mismatch", "hash_mismatch_on_hub", "missing_history"},
    ),
    "a batch the laptop never heard of": (
        lambda p: _hub_sql(
            p,
            "INSERT INTO batches (batch_id, device_id, client_device_id, "
            "source, digest, record_count, received_at) SELECT "
            "'0196dddd-dddd-7ddd-bddd-dddddddddddd', device_id, "
            "client_device_id, source, 'x', 0, received_at FROM batches "
            "WHERE rowid = (SELECT min(rowid) FROM batches)",
            None,
        ),
        {"batch_unacked"},
    ),
}


def _hub_sql(pair: Pair, sql: str, index: int | None, *, first: str | None = None) -> str:
    victim = pair.synced[index] if index is not None else ""
    params = tuple(x for x in (first, victim if index is not None else None) if x is not None)
    run_sql(pair.hub, sql, params=params)
    return victim


def _laptop_sql(pair: Pair, sql: str, index: int) -> str:
    victim = pair.synced[index]
    run_sql(pair.laptop, sql, params=(victim,))
    return victim


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_each_kind_of_damage_is_caught_and_named(pair: Pair, damage: str) -> None:
    make, expected = DAMAGE[damage]
    victim = make(pair)
    error = violation(pair)
    assert expected <= error.codes, (expected - error.codes, str(error))
    if victim:
        assert victim in str(error) or "0196eeee-eeee-7eee-beee-eeeeeeeeeeee" in str(error)


def test_a_lost_acknowledged_save_and_a_broken_counter_are_named(pair: Pair) -> None:
    acknowledged = [*pair.synced[:5], "0196cccc-cccc-7ccc-bccc-cccccccccccc"]
    check_durable(pair.laptop, acknowledged[:5])  # sound as it is
    run_sql(pair.laptop, "UPDATE counters SET value = 1 WHERE name = 'seq'")
    with pytest.raises(InvariantViolation) as caught:
        check_durable(pair.laptop, acknowledged)
    message = str(caught.value)
    assert "lost_save 0196cccc-cccc-7ccc-bccc-cccccccccccc: save() returned" in message
    assert "seq_broken" in message


def test_an_owner_lost_under_its_workers_is_named(pair: Pair) -> None:
    conn = sqlite3.connect(pair.laptop)
    owner = conn.execute(
        "SELECT owner_uuid FROM registrations WHERE role = 'worker' LIMIT 1"
    ).fetchone()[0]
    conn.close()
    run_sql(
        pair.laptop,
        "PRAGMA foreign_keys = OFF",
        f"DELETE FROM registrations WHERE uuid = '{owner}'",
    )
    with pytest.raises(InvariantViolation) as caught:
        check_durable(pair.laptop, [owner])
    assert {"lost_save", "orphan_worker", "laptop_integrity"} <= caught.value.codes
    assert f"lost_save {owner}" in str(caught.value)
