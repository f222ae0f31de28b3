"""Calling leads back through the real app: the call-back list (F4, F9), an outcome
that moves or closes the follow-up, a correction of the lead, and a lead who registers
after all (the registration linked back to the lead)."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from textual.widgets import DataTable, Input, Static

from outreach_tui.domain.models import LeadDraft
from outreach_tui.domain.validation import validate_lead
from outreach_tui.store import Store
from outreach_tui.tui.dialogs.callback_outcome import CallbackOutcomeDialog
from outreach_tui.tui.screens.callbacks import CallbackScreen
from outreach_tui.tui.screens.leads import LeadScreen
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from tests.conftest import OFFICER, TODAY, synthetic_nik
from tests.tui.conftest import settle, wait_until

LATER = TODAY + timedelta(days=3)  # the booth day of these tests: both leads are overdue


def save_lead(store: Store, event_id: str, name: str, phone: str, days: int = 0) -> str:
    draft = LeadDraft(
        full_name=name, phone=phone, interest="JKK", consent_contact=True,
        consent_version="2026.1", follow_up_on=f"{TODAY + timedelta(days=days):%d-%m-%Y}",
    )  # fmt: skip
    record = validate_lead(draft, today=TODAY).record
    assert record is not None
    return store.leads.save(record, officer_code=OFFICER, event_id=event_id).uuid


def lead_row(store: Store, uuid: str) -> dict[str, Any]:
    with sqlite3.connect(store.path) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM leads WHERE uuid = ?", [uuid]).fetchone())


def screen_text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(selector, Static).render())


async def open_callbacks(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("f9")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CallbackScreen))
    await settle(pilot)


async def test_the_list_shows_due_leads_and_an_outcome_moves_the_date(
    make_app, booth_store, event_id
) -> None:
    andi = save_lead(booth_store, event_id, "Andi Wijaya", "0821-7777-8888")
    dewi = save_lead(booth_store, event_id, "Dewi Lestari", "0812-9999-0000", days=1)
    save_lead(booth_store, event_id, "Nanti Saja", "0813-2222-3333", days=10)
    app = make_app(today=lambda: LATER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_callbacks(pilot)
        assert "Calon yang perlu dihubungi: 2" in screen_text(app, "#callbacks-title")
        table = app.screen.query_one("#callbacks-table", DataTable)
        first = " ".join(str(c) for c in table.get_row_at(0))
        assert "Andi Wijaya" in first and "terlambat 3 hari" in first
        detail = screen_text(app, "#callbacks-detail")
        assert "wa.me/6282177778888" in detail and "Halo Bapak/Ibu Andi Wijaya" in detail
        await pilot.press("ctrl+y")  # the whole link, message included, to the clipboard
        assert app.clipboard.startswith("https://wa.me/6282177778888?text=Halo%20Bapak")
        first = " ".join(str(c) for c in table.get_row_at(0))

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackOutcomeDialog))
        await pilot.press("down", "down")  # interested, call again, no answer
        await pilot.pause()
        box = app.screen.query_one("#outcome-next", Input)
        assert box.value == f"{LATER + timedelta(days=2):%d-%m-%Y}"  # the default follows
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackScreen))
        await settle(pilot)
        assert lead_row(booth_store, andi)["follow_up_on"] == (LATER + timedelta(2)).isoformat()
        assert "Calon yang perlu dihubungi: 1" in screen_text(app, "#callbacks-title")

        # A date in the past is refused in the dialog, which stays open; a closing outcome
        # needs none and takes the lead off the list.
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackOutcomeDialog))
        app.screen.query_one("#outcome-next", Input).value = f"{TODAY:%d-%m-%Y}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CallbackOutcomeDialog)
        assert "Tanggal tidak valid" in screen_text(app, "#outcome-problem")
        app.screen.query_one("#outcome-choices").focus()
        await pilot.press("down", "down", "down")  # ... declined
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackScreen))
        await settle(pilot)
        assert lead_row(booth_store, dewi)["follow_up_on"] is None
        assert "Tidak ada calon yang perlu dihubungi" in screen_text(app, "#callbacks-page")
    outcomes = [h["outcome"] for h in booth_store.callbacks.history(andi)]
    assert outcomes == ["no_answer"]
    assert [h["outcome"] for h in booth_store.callbacks.history(dewi)] == ["declined"]


async def test_a_lead_is_corrected_from_the_list(make_app, booth_store, event_id) -> None:
    andi = save_lead(booth_store, event_id, "Andi Wijaya", "0821-7777-8888")
    app = make_app(today=lambda: LATER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_callbacks(pilot)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        assert app.screen.query_one("#lead-phone", Input).value == "082177778888"
        phone = app.screen.query_one("#lead-phone", Input)
        phone.focus()
        phone.value = ""
        await pilot.press(*"0813 5555 6666")
        await pilot.press("ctrl+s")  # the overdue date is kept: it was not changed
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackScreen))
        await settle(pilot)
    row = lead_row(booth_store, andi)
    assert row["phone"] == "+6281355556666" and row["version"] == 2
    assert row["follow_up_on"] == TODAY.isoformat() and row["sync_state"] == "pending"


async def test_a_lead_registers_after_all(make_app, booth_store, event_id) -> None:
    andi = save_lead(booth_store, event_id, "Andi Wijaya", "0821-7777-8888")
    app = make_app(today=lambda: LATER)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_callbacks(pilot)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert app.screen.query_one("#reg-full-name", Input).value == "Andi Wijaya"
        assert app.screen.query_one("#reg-phone", Input).value == "082177778888"
        for selector, text in (
            ("#reg-nik", synthetic_nik(sex="M", birth=date(1985, 4, 2))),
            ("#reg-address", "Jl. Sudirman No. 9, Palembang"),
            ("#reg-business-name", "Ojek Andi"),
            ("#reg-workers-count", "0"),
            ("#reg-declared-income", "2.000.000"),
        ):
            app.screen.query_one(selector).focus()
            await pilot.press(*text)
        app.screen.query_one("#reg-sector").focus()
        await pilot.press("o")
        app.screen.query_one("#reg-consent").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await settle(pilot)
    row = lead_row(booth_store, andi)
    with sqlite3.connect(booth_store.path) as conn:
        (owner,) = conn.execute("SELECT uuid FROM registrations WHERE role = 'owner'").fetchone()
    assert row["converted_uuid"] == owner and row["follow_up_on"] is None
    assert booth_store.callbacks.due(None).total == 0


async def test_enter_on_a_lead_in_the_records_opens_its_correction(
    make_app, booth_store, event_id
) -> None:
    save_lead(booth_store, event_id, "Andi Wijaya", "0821-7777-8888", days=5)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f7", "f8")  # leads, every day (the booth day follows the event's zone)
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        assert "Ubah data calon" in screen_text(app, "#lead-title")
        assert app.screen.query_one("#lead-full-name", Input).value == "Andi Wijaya"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LeadScreen))


async def test_the_palette_opens_the_call_back_list(make_app, booth_store, event_id) -> None:
    save_lead(booth_store, event_id, "Andi Wijaya", "0821-7777-8888")
    app = make_app(today=lambda: LATER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"perlu dihubungi")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackScreen))
        await settle(pilot)
        assert "Calon yang perlu dihubungi: 1" in screen_text(app, "#callbacks-title")
