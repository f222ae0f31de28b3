"""Start of day when the remembered event is over: the officer is told, and creates
today's event from the same dialog (ctrl+n) without leaving the booth."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import Input

from outreach_tui.domain import events
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.dialogs.new_event import NewEventDialog
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.setup import StartOfDayScreen
from tests.conftest import BRANCH, TODAY
from tests.tui.conftest import settle, wait_until

AFTER = date(2026, 12, 6)  # the fixture's event ran 23–25 Nov 2026


def hint(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#start-hint").render())


async def open_start(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: isinstance(app.screen, StartOfDayScreen))
    await settle(pilot)


async def test_an_ended_event_is_said_and_a_new_one_is_made_here(booth_store: Store) -> None:
    app = OutreachApp(booth_store, ask_start_of_day=True, today=lambda: AFTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_start(app, pilot)
        assert "sudah selesai pada 25-11-2026" in hint(app)

        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewEventDialog))
        dialog = app.screen
        assert dialog.query_one("#new-event-starts", Input).value == "06-12-2026"
        assert dialog.query_one("#new-event-city", Input).value == "Palembang"
        await pilot.press("ctrl+s")  # no name yet: refused, the dialog stays
        assert isinstance(app.screen, NewEventDialog)
        assert "Wajib diisi" in str(dialog.query_one("#new-event-problem-name").render())
        await pilot.press(*"Bazar UMKM Kenten")
        dialog.query_one("#new-event-ends", Input).value = "05-12-2026"
        await pilot.press("ctrl+s")  # ends before it starts
        assert isinstance(app.screen, NewEventDialog)
        dialog.query_one("#new-event-ends", Input).value = "08-12-2026"
        assert "BAZAR-UMKM-KENTEN-20261206" in str(dialog.query_one("#new-event-code").render())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, StartOfDayScreen))
        await wait_until(pilot, lambda: "berlangsung sampai 08-12-2026" in hint(app))

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
    made = booth_store.setup.event("BAZAR-UMKM-KENTEN-20261206")
    assert made is not None
    assert (made["starts_on"], made["ends_on"], made["city"], made["branch_code"]) == (
        "2026-12-06", "2026-12-08", "Palembang", BRANCH
    )  # fmt: skip
    assert booth_store.settings.get("event_id") == made["id"]


async def test_running_events_come_first(store: Store, event_id: str) -> None:
    store.setup.create_event(code="OLD", name="Pameran Lama", starts_on=date(2026, 1, 5),
                             ends_on=date(2026, 1, 9), city="Palembang")  # fmt: skip
    app = OutreachApp(store, ask_start_of_day=True, today=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_start(app, pilot)
        choice = app.screen.query_one("#start-event")
        first_label = str(choice.options[0][0])
        assert first_label.startswith("Expo UMKM Palembang")


def test_codes_are_made_from_the_name_and_unique() -> None:
    day = date(2026, 12, 6)
    assert events.code_for("Bazar UMKM Kenten", day) == "BAZAR-UMKM-KENTEN-20261206"
    assert events.code_for("Pasar Ségar!", day, {"PASAR-SEGAR-20261206"}) == (
        "PASAR-SEGAR-20261206-2"
    )
    assert len(events.code_for("x" * 200, day)) <= events.MAX_CODE
    assert events.code_for("   ", day) == "ACARA-20261206"
    assert events.status(day, day + timedelta(2), day + timedelta(3)) == "ended"
    assert events.status(day, day, day) == "running"
    assert events.status(day, day, day - timedelta(1)) == "upcoming"
