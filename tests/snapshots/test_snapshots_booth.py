"""Snapshots of the benefits explainer and the records list at 80×24 and 120×40.

Fixed clock (the booth day), fixed data (names, NIKs, receipt numbers and times written
into the file), a fixed time zone (WIB) for the local times, and no cursor blink.
Regenerate after an intended visual change with `pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator

import pytest
from textual.widgets import Input

from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.widgets.choice import Choice
from tests.conftest import TODAY

SIZES = [(80, 24), (120, 40)]
NAMES = ["Siti Aminah", "Dewi Kartika", "Rahmat Hidayat", "Yuliana Putri", "Ahmad Fauzi",
         "Sri Wahyuni", "Bambang Sutrisno", "Nur Aisyah"]  # fmt: skip


@pytest.fixture(autouse=True)
def jakarta_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app(booth_store) -> OutreachApp:  # type: ignore[no-untyped-def]
    return OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_benefits_explainer(snap_compare, app, size) -> None:  # type: ignore[no-untyped-def]
    async def explain(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        pilot.app.screen.query_one("#explain-sector", Choice).value = "kuliner"
        no_blink(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=explain)


@pytest.mark.parametrize("size", SIZES)
def test_records(snap_compare, app, booth_store, register, size) -> None:  # type: ignore[no-untyped-def]
    for name in NAMES:
        register(full_name=name, workers=1 if name == "Siti Aminah" else 0)
    with sqlite3.connect(booth_store.path) as conn:
        conn.execute(
            "UPDATE registrations SET reference_no = 'R' || substr('00000000000' || seq, -11),"
            " nik = '167101' || substr(nik, 7, 6) || printf('%04d', seq),"
            " created_at = printf('2026-11-23T%02d:%02d:00.000Z', 2 + seq / 4, (seq * 7) % 60),"
            " full_name = CASE role WHEN 'owner' THEN full_name ELSE 'Budi Santoso' END"
        )
        conn.execute("UPDATE registrations SET sync_state = 'synced' WHERE seq <= 3")
        conn.execute("UPDATE registrations SET sync_state = 'rejected' WHERE seq = 5")
        conn.execute(
            "UPDATE registrations SET voided_at = '2026-11-23T04:00:00.000Z',"
            " void_reason = 'terdaftar dua kali' WHERE seq = 7"
        )

    async def browse(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        no_blink(pilot)
        await pilot.press("down")  # into the table: the first row highlighted
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=browse)
