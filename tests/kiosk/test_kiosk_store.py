"""store.kiosk on a real file: today's aggregates in the event's own time zone, the
event given by --event or chosen at the booth, voided rows never counted."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from outreach_tui.store.kiosk import KioskReader, UnknownEvent


def stamp(path, uuid: str, at: str) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE registrations SET created_at = ? WHERE uuid = ?", [at, uuid])
    conn.close()


def test_today_is_the_day_in_the_events_zone(booth_store, make_owner, make_worker) -> None:  # type: ignore[no-untyped-def]
    """A Makassar event (WITA, UTC+8): 16:30 UTC is already tomorrow there, while a
    Palembang booth (WIB) would still count it today."""
    event_id = booth_store.setup.create_event(
        code="MKS-2026", name="Expo Makassar", city="Makassar",
        starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 25),
    )  # fmt: skip
    saved = booth_store.registrations.save(
        make_owner(workers_count=1), [make_worker()], officer_code="PLG-01", event_id=event_id
    )
    stamp(booth_store.path, saved.owner.uuid, "2026-11-23T16:30:00.000Z")
    stamp(booth_store.path, saved.workers[0].uuid, "2026-11-23T15:30:00.000Z")
    reader = KioskReader(booth_store.path, event_code="MKS-2026")
    evening = reader.today(datetime(2026, 11, 23, 15, 45, tzinfo=UTC))  # 23:45 WITA
    assert (evening.day, evening.zone) == (date(2026, 11, 23), "Asia/Makassar")
    assert (evening.owners_today, evening.workers_today) == (0, 1)
    morning = reader.today(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # 09:00 WITA
    assert (morning.day, morning.owners_today, morning.workers_today) == (date(2026, 11, 24), 1, 0)
    assert (morning.event_owners, morning.event_workers) == (1, 1)
    assert morning.event_name == "Expo Makassar"


def test_the_booths_event_by_default_and_voided_rows_never(booth_store, register) -> None:  # type: ignore[no-untyped-def]
    from outreach_tui.domain import localtime

    register(workers=2)
    gone = register(workers=0)
    booth_store.registrations.void(gone.owner.uuid, "salah input", officer_code="PLG-01")
    today = KioskReader(booth_store.path).today(localtime.utc_now())
    assert today.event_code == "EXPO-PLG-2026-11"  # chosen at the start of the booth's day
    assert (today.owners_today, today.workers_today) == (1, 2)
    assert (today.event_owners, today.event_workers) == (1, 2)
    assert not {"full_name", "nik", "phone"} & set(today.__dataclass_fields__)


def test_an_unknown_event_is_refused_with_the_known_ones(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownEvent) as caught:
        KioskReader(store.path, event_code="NOPE")
    assert caught.value.known == ["EXPO-PLG-2026-11"]


def test_a_file_of_an_older_schema_is_not_migrated(store) -> None:  # type: ignore[no-untyped-def]
    from outreach_tui.store import StoreError

    conn = sqlite3.connect(store.path)
    with conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version)"
                     " FROM schema_migrations)")  # fmt: skip
    conn.close()
    with pytest.raises(StoreError, match="open it once with the booth"):
        KioskReader(store.path)
