"""Start of day on a laptop where nothing is remembered yet: the officer picks who and
where with the keyboard, and the header follows."""

from __future__ import annotations

from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.setup import StartOfDayScreen
from outreach_tui.tui.widgets.booth_header import BoothHeader
from tests.conftest import BRANCH, OFFICER, TODAY
from tests.tui.conftest import settle, wait_until


async def test_pick_officer_and_event_with_the_keyboard(store: Store, event_id: str) -> None:
    store.setup.upsert_officer("PLG-02", "Dedi Kurniawan", BRANCH)
    app = OutreachApp(store, ask_start_of_day=True, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, StartOfDayScreen))
        await settle(pilot)
        await pilot.press("escape")  # nothing remembered: the day cannot start unchosen
        assert isinstance(app.screen, StartOfDayScreen)
        await pilot.press("ctrl+s")
        assert "Pilih" in str(app.screen.query_one("#start-hint").render())

        app.screen.query_one("#start-officer").focus()
        await pilot.press("p", "p")  # type-ahead: PLG-01, then PLG-02
        app.screen.query_one("#start-event").focus()
        await pilot.press("enter", "enter")  # the list, its first (only) event
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert store.settings.get("officer_code") == "PLG-02" != OFFICER
        assert store.settings.get("event_id") == event_id
        await wait_until(
            pilot,
            lambda: "PLG-02" in str(app.screen.query_one(BoothHeader).render()),
        )


async def test_ctrl_s_before_the_choices_arrive_still_starts_the_day(booth_store: Store) -> None:
    # What the remembered officer does every morning: ctrl+s as soon as the dialog shows,
    # possibly before its choices have been read from the file.
    app = OutreachApp(booth_store, ask_start_of_day=True, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, StartOfDayScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert booth_store.settings.get("officer_code") == OFFICER
