"""Snapshots of the officer sign-in at 80×24: the booth opening on a shared laptop (after a
wrong PIN), and the screen that covers a half-typed form when the booth locks.

Regenerate after an intended visual change with
`pytest tests/snapshots/test_snapshots_signin.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from outreach_tui.store import Store, officers_auth
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.signin import SignInScreen
from tests.conftest import OFFICER, TODAY
from tests.tui.conftest import settle, wait_until

PIN = "482916"


@pytest.fixture
def app(booth_store: Store, monkeypatch: pytest.MonkeyPatch) -> OutreachApp:
    monkeypatch.setattr(officers_auth, "_test_cost", {"n": 2**10, "r": 8, "p": 1})
    booth_store.officers.set_pin(OFFICER, PIN)
    return OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)


async def no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    for text_input in pilot.app.screen.query(Input):
        text_input.cursor_blink = False  # a blinking cursor makes pictures differ
    await pilot.pause()


def test_sign_in_after_a_wrong_pin(snap_compare, app) -> None:  # type: ignore[no-untyped-def]
    async def wrong_pin(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
        await settle(pilot)
        await pilot.press(*"111222", "enter")
        await wait_until(pilot, lambda: not pilot.app.screen.checking)
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=wrong_pin)


def test_locked_over_a_half_typed_form(snap_compare, app) -> None:  # type: ignore[no-untyped-def]
    async def lock(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
        await settle(pilot)
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: not pilot.app.locked)
        await settle(pilot)
        await pilot.press(*"1671014512900001")
        pilot.app.lock("idle")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=lock)
