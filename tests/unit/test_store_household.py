"""The store's household rules (the last line behind the workers' form) and the owner's
worker count kept equal to its live worker rows."""

from __future__ import annotations

import sqlite3

import pytest

from outreach_tui.store import StoreError
from tests.conftest import OFFICER


def owner_row(store, uuid: str) -> tuple:  # type: ignore[no-untyped-def]
    with sqlite3.connect(store.path) as conn:
        return conn.execute(
            "SELECT workers_count, version FROM registrations WHERE uuid = ?", [uuid]
        ).fetchone()


def test_the_typed_count_is_not_stored_the_rows_are(register, store) -> None:
    alone = register(workers=0)  # the draft said 2 (owner_draft's default)
    assert owner_row(store, alone.owner.uuid) == (0, 1)
    household = register(workers=2)
    assert owner_row(store, household.owner.uuid) == (2, 1)


def test_adding_and_voiding_workers_moves_the_count(register, store, make_worker) -> None:
    saved = register(workers=1)
    added = store.registrations.add_workers(saved.owner.uuid, [make_worker(), make_worker()],
                                            officer_code=OFFICER)  # fmt: skip
    assert owner_row(store, saved.owner.uuid) == (3, 2)
    assert store.registrations.live_workers(saved.owner.uuid) == 3
    store.registrations.void(added[0].uuid, "salah input", officer_code=OFFICER)
    assert owner_row(store, saved.owner.uuid) == (2, 3)
    history = store.registrations.history(saved.owner.uuid)
    assert [h["version"] for h in history] == [1, 2]


def test_a_worker_with_a_household_nik_is_refused_whole(register, store, make_worker) -> None:
    saved = register(workers=1)
    owner = store.registrations.get(saved.owner.uuid)
    worker = store.registrations.workers_of(saved.owner.uuid)[0]
    assert owner is not None
    for nik, why in ((owner["nik"], "business owner"), (worker["nik"], "already registered")):
        with pytest.raises(StoreError, match=why):
            store.registrations.add_workers(saved.owner.uuid, [make_worker(), make_worker(nik=nik)],
                                            officer_code=OFFICER)  # fmt: skip
    twin = make_worker()
    with pytest.raises(StoreError, match="in row 2"):
        store.registrations.add_workers(saved.owner.uuid, [twin, twin], officer_code=OFFICER)
    assert store.registrations.live_workers(saved.owner.uuid) == 1  # nothing half-saved
    assert owner_row(store, saved.owner.uuid) == (1, 1)


def test_no_more_than_fifteen_workers(register, store, make_worker) -> None:
    saved = register(workers=14)
    with pytest.raises(StoreError, match="At most 15"):
        store.registrations.add_workers(saved.owner.uuid, [make_worker(), make_worker()],
                                        officer_code=OFFICER)  # fmt: skip
    store.registrations.add_workers(saved.owner.uuid, [make_worker()], officer_code=OFFICER)
    assert store.registrations.live_workers(saved.owner.uuid) == 15
