"""Capturing a lead through the real app: validated as typed, saved with the consent
version and time, the form cleared, today's count updated."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from textual.widgets import Input, Static

from outreach_tui.domain import localtime
from outreach_tui.domain.consent import current
from outreach_tui.store import Store
from outreach_tui.tui.screens.leads import LeadScreen
from outreach_tui.tui.widgets.field_form import FieldForm
from tests.conftest import OFFICER
from tests.tui.conftest import settle


def lead_rows(store: Store) -> list[sqlite3.Row]:
    with sqlite3.connect(store.path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM leads ORDER BY seq").fetchall()


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector).focus()
    await pilot.press(*text)


def problem_of(app, field: str) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(f"#problem-{field}").render())


async def test_capture_a_lead_with_consent(make_app, booth_store, event_id) -> None:
    # The real clock here: the store stamps created_at with it, and "today" must agree —
    # the booth day in the event's zone (Palembang: WIB), whatever the laptop's TZ.
    today = localtime.today("Asia/Jakarta")
    app = make_app(today=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, LeadScreen)
        assert "Calon hari ini: 0" in str(app.screen.query_one("#lead-status", Static).render())
        # The officer starts typing the name at once; follow-up defaults to a week later.
        await pilot.press(*"Ani Lestari")
        assert (
            app.screen.query_one("#lead-follow-up-on", Input).value
            == f"{today + timedelta(days=7):%d-%m-%Y}"
        )
        await type_into(pilot, "#lead-phone", "0813 1122 3344")
        await type_into(pilot, "#lead-interest", "JKK untuk usaha ojek suami")
        app.screen.query_one("#lead-sector").focus()
        await pilot.press("o")  # type-ahead: the first sector starting with O
        assert "Ojek" in str(app.screen.query_one("#lead-sector").render())
        app.screen.query_one("#lead-consent").focus()
        await pilot.press("space")
        await pilot.pause()
        assert "Siap disimpan" in str(app.screen.query_one("#lead-status", Static).render())

        await pilot.press("ctrl+s")
        await settle(pilot)

        [row] = lead_rows(booth_store)
        assert row["full_name"] == "Ani Lestari"
        assert row["phone"] == "+6281311223344"
        assert row["interest"] == "JKK untuk usaha ojek suami"
        assert row["sector"] == "ojek"
        assert row["consent_contact"] == 1
        assert row["consent_version"] == current("lead").version == "lead-2026.2"
        assert row["consent_at"]
        assert row["follow_up_on"] == (today + timedelta(days=7)).isoformat()
        assert row["officer_code"] == OFFICER
        assert row["event_id"] == event_id
        assert row["sync_state"] == "pending"
        # Cleared for the next visitor, counted in the status line.
        assert app.screen.query_one("#lead-full-name", Input).value == ""
        assert app.screen.focused is app.screen.query_one("#lead-full-name", Input)
        status = str(app.screen.query_one("#lead-status", Static).render())
        assert "Calon hari ini: 1" in status
        assert "Terakhir: Ani Lestari" in status


async def test_lead_without_consent_is_not_saved_and_says_why(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"Budi")
        await type_into(pilot, "#lead-phone", "0812")
        assert "tidak valid" in problem_of(app, "phone")  # as you type
        await type_into(pilot, "#lead-phone", "34567890")
        assert problem_of(app, "phone") == ""
        follow = app.screen.query_one("#lead-follow-up-on", Input)
        follow.focus()
        await pilot.press("home", "ctrl+k", *"01-11-2026")

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert lead_rows(booth_store) == []
        assert problem_of(app, "consent-contact") != ""
        assert problem_of(app, "follow-up-on") != ""
        assert app.screen.query_one("#lead-full-name", Input).value == "Budi"  # kept


async def test_english_labels(make_app) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        labels = list(app.screen.query_one(FieldForm).labels.values())
        assert "Mobile number" in labels
        assert "Leads today: 0" in str(app.screen.query_one("#lead-status", Static).render())


async def test_a_half_typed_lead_is_not_lost_without_asking(make_app, booth_store) -> None:
    from outreach_tui.tui.dialogs.confirm import ConfirmDialog
    from tests.tui.conftest import wait_until

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"Ani Lestari")
        await pilot.press("ctrl+n")  # clear: asks first
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # stay
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        assert app.screen.query_one("#lead-full-name", Input).value == "Ani Lestari"
        await pilot.press("ctrl+q")  # quit: asks first too
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "formulir calon" in str(app.screen.query_one("#confirm-body").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        assert app.is_running
