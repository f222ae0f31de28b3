"""Records through the real app: search by name and NIK, correct a registration (a new
version with history), void with a reason (never deleted), page through hundreds of rows
one SQL page at a time."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from textual.widgets import DataTable, Input, Static

from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store
from outreach_tui.tui.dialogs.void_reason import VoidReasonDialog
from outreach_tui.tui.screens.records import RecordsScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from tests.conftest import CONSENT_VERSION, OFFICER, TODAY
from tests.tui.conftest import settle


def query(store: Store, sql: str, *params: object) -> list[sqlite3.Row]:
    with sqlite3.connect(store.path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def table_rows(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#records-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def page_line(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#records-page", Static).render())


async def open_records(pilot, *, all_days: bool = True) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RecordsScreen)
    if all_days:  # the store stamps real time; the app's booth day is fixed
        await pilot.press("f8")
        await settle(pilot)


async def search(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#records-search").focus()
    await pilot.press("home", "ctrl+k", *text)
    await settle(pilot)  # the debounced worker sleeps, then queries


async def test_search_by_name_and_by_nik(make_app, booth_store, register) -> None:
    register(full_name="Siti Aminah")
    wanted = register(full_name="Dewi Kartika", workers=1)
    register(full_name="Rahmat Hidayat")
    nik = query(booth_store, "SELECT nik FROM registrations WHERE uuid = ?", wanted.owner.uuid)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_records(pilot)
        assert len(table_rows(app)) == 4
        assert "1–4 dari 4" in page_line(app)

        await search(pilot, "kartika")
        [row] = table_rows(app)
        assert "Dewi Kartika" in row
        await search(pilot, nik[0]["nik"])
        [row] = table_rows(app)
        assert "Dewi Kartika" in row and nik[0]["nik"] in row
        await search(pilot, "tidak ada orang ini")
        assert table_rows(app) == []
        assert "Tidak ada data" in page_line(app)


async def test_open_and_correct_a_registration(make_app, booth_store, register) -> None:
    saved = register(full_name="Siti Aminah")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        await search(pilot, "Aminah")
        await pilot.press("down")  # from the search box into the table
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen) and form.edit_row is not None
        name = form.query_one("#reg-full-name", Input)
        assert name.value == "Siti Aminah"
        name.focus()
        await pilot.press("end", *" Rahayu")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, RecordsScreen)  # back, and the page reloaded
        [row] = query(booth_store, "SELECT * FROM registrations WHERE uuid = ?", saved.owner.uuid)
        assert row["full_name"] == "Siti Aminah Rahayu"
        assert row["version"] == 2
        assert row["sync_state"] == "pending"
        history = query(booth_store, "SELECT version, data FROM record_history WHERE uuid = ?",
                        saved.owner.uuid)  # fmt: skip
        assert [h["version"] for h in history] == [1]
        assert '"Siti Aminah"' in history[0]["data"]
        await search(pilot, "Rahayu")
        assert any("Siti Aminah Rahayu" in r for r in table_rows(app))


async def test_void_a_registration_with_a_reason(make_app, booth_store, register) -> None:
    saved = register(full_name="Siti Aminah")
    register(full_name="Dewi Kartika")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        await search(pilot, "Aminah")
        await pilot.press("down", "ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, VoidReasonDialog)
        await pilot.press("ctrl+s")  # no reason yet: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, VoidReasonDialog)
        await pilot.press(*"terdaftar dua kali", "ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, RecordsScreen)
        [row] = query(booth_store, "SELECT * FROM registrations WHERE uuid = ?", saved.owner.uuid)
        assert row["voided_at"] is not None
        assert row["void_reason"] == "terdaftar dua kali"
        assert row["version"] == 2
        assert len(query(booth_store, "SELECT uuid FROM registrations")) == 2  # never deleted
        [shown] = table_rows(app)
        assert "Siti Aminah" in shown and "dibatalkan" in shown
        # A voided record can no longer be corrected.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordsScreen)


async def test_void_a_lead(make_app, booth_store, event_id) -> None:
    lead = validate_lead(
        LeadDraft(full_name="Ani Lestari", phone="081311223344", consent_contact=True,
                  consent_version=CONSENT_VERSION),
        today=TODAY,
    ).record  # fmt: skip
    assert lead is not None
    saved = booth_store.leads.save(lead, officer_code=OFFICER, event_id=event_id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_records(pilot)
        await pilot.press("f7")  # registrations → leads
        await settle(pilot)
        [row] = table_rows(app)
        assert "Ani Lestari" in row and "081311223344" in row
        await pilot.press("down", "ctrl+d")
        await settle(pilot)
        await pilot.press(*"nomor salah", "enter")
        await settle(pilot)
        [stored] = query(booth_store, "SELECT * FROM leads WHERE uuid = ?", saved.uuid)
        assert stored["void_reason"] == "nomor salah" and stored["voided_at"]
        assert "dibatalkan" in table_rows(app)[0]


async def test_today_is_the_default(make_app, booth_store, register) -> None:
    register(full_name="Kemarin Saja")
    booth_day = register(full_name="Hari Ini")
    # noon at the booth: in the event's zone (Palembang, WIB), not the laptop's TZ
    noon = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo("Asia/Jakarta")).astimezone(UTC)
    with sqlite3.connect(booth_store.path) as conn:
        conn.execute("UPDATE registrations SET created_at = '2026-11-20T05:00:00.000Z'")
        conn.execute(
            "UPDATE registrations SET created_at = ? WHERE uuid = ?",
            [noon.isoformat(timespec="milliseconds").replace("+00:00", "Z"), booth_day.owner.uuid],
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_records(pilot, all_days=False)
        [row] = table_rows(app)
        assert "Hari Ini" in row and "12:00" in row  # today's list shows the time only
        await pilot.press("f8")
        await settle(pilot)
        rows = table_rows(app)
        assert len(rows) == 2
        assert "20-11 " in " ".join(rows[1])  # all days: date and time


async def test_pages_come_from_sql(make_app, booth_store, register) -> None:
    for index in range(20):  # 20 owners × (1 + 15 workers) = 320 rows
        register(full_name=f"Pemilik {chr(65 + index)}", workers=15)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_records(pilot)
        screen = app.screen
        assert isinstance(screen, RecordsScreen)
        size = screen.page_size
        assert size == 24 - 5  # the table fills the screen, one page at a time
        assert len(table_rows(app)) == size
        assert page_line(app) == f"Hal. 1/17 · 1–{size} dari 320"
        first_page = table_rows(app)

        await pilot.press("pagedown")
        await settle(pilot)
        assert page_line(app) == f"Hal. 2/17 · {size + 1}–{2 * size} dari 320"
        assert table_rows(app) != first_page
        for _ in range(20):  # past the end: stays on the last page
            await pilot.press("pagedown")
        await settle(pilot)
        assert page_line(app) == f"Hal. 17/17 · {16 * size + 1}–320 dari 320"
        assert len(table_rows(app)) == 320 - 16 * size
        await pilot.press("pageup")
        await settle(pilot)
        assert page_line(app).startswith("Hal. 16/17")
        assert len(table_rows(app)) == size


async def test_f6_opens_the_dashboard_from_records_too(make_app, booth_store) -> None:
    # The mode keys F2–F6 mean the same on every screen; records keeps F7/F8 for itself.
    from outreach_tui.tui.screens.dashboard import DashboardScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_records(pilot, all_days=False)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
