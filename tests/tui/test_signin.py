"""Officer sign-in on a shared laptop, driven through the real booth on a real file: PIN
right and wrong, lock-out, the idle lock that keeps a half-typed form, "lock now", another
officer taking over a locked screen, and the header naming who is signed in."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, Static

from outreach_tui.store import Store, officers_auth
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.setup import StartOfDayScreen
from outreach_tui.tui.screens.signin import SignInScreen
from outreach_tui.tui.widgets.booth_header import BoothHeader
from tests.conftest import OFFICER
from tests.tui.conftest import settle, wait_until

PIN = "482916"
OTHER, OTHER_PIN = "PLG-02", "731905"


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture(autouse=True)
def fast_pin_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cost travels with each stored hash: the same code path, only cheaper.
    monkeypatch.setattr(officers_auth, "_test_cost", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def pins(booth_store: Store) -> Store:
    """PLG-01 (today's officer) and PLG-02 both have a PIN on this laptop."""
    booth_store.setup.upsert_officer(OTHER, "Budi Hartono", "PLG")
    booth_store.officers.set_pin(OFFICER, PIN)
    booth_store.officers.set_pin(OTHER, OTHER_PIN)
    return booth_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def booth(make_app: Callable[..., OutreachApp], clock: FakeClock) -> Callable[..., OutreachApp]:
    """The app with a fake idle clock checked often (the lock after 5 minutes of it)."""

    def _make(**kwargs: Any) -> OutreachApp:
        options = {"idle_lock_minutes": 5, "idle_clock": clock, "idle_check_seconds": 0.02}
        return make_app(**{**options, **kwargs})

    return _make


def audit(store: Store, action: str) -> list[tuple[str | None, dict[str, Any] | None]]:
    with sqlite3.connect(store.path) as conn:
        found = conn.execute(
            "SELECT officer_code, detail FROM audit_log WHERE action = ? ORDER BY id", [action]
        ).fetchall()
    return [(code, json.loads(detail) if detail else None) for code, detail in found]


def setting(store: Store, key: str) -> str | None:
    with sqlite3.connect(store.path) as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def message(app: OutreachApp) -> str:
    return str(app.screen.query_one("#signin-message", Static).render())


def header(app: OutreachApp) -> str:
    return str(app.screen.query_one(BoothHeader).render())


async def sign_in(pilot, pin: str = PIN, officer: str | None = None) -> None:  # type: ignore[no-untyped-def]
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen))
    screen = pilot.app.screen
    if officer is not None:
        screen.query_one("#signin-officer", Input).value = officer
    screen.query_one("#signin-pin", Input).focus()
    await pilot.press(*pin, "enter")
    await settle(pilot)


async def test_without_pins_the_booth_opens_on_the_form_as_before(booth, booth_store) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        assert not app.signin_required and not app.locked and app.signed_in is None
        assert "^l" not in header(app)  # the header is the one without sign-in
        await pilot.press("ctrl+l")  # nobody could unlock it: it says how, and stays open
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen) and not app.locked
        assert any("outreach officer set-pin" in n.message for n in app._notifications)


async def test_right_pin_signs_in_sets_the_officer_and_shows_them_in_the_header(
    booth, pins
) -> None:
    pins.settings.set("officer_code", "")  # nobody chosen yet on this laptop
    app = booth()
    async with app.run_test(size=(120, 30)) as pilot:  # wide: the header has room for all
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.locked
        assert app.screen.query_one("#signin-pin", Input).password  # masked
        await pilot.press("f5", "ctrl+p")  # nothing opens behind or over the sign-in
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.current_mode == app.LOCK_MODE
        app.screen.query_one("#signin-officer", Input).focus()
        await pilot.press(*"plg-02", "enter", *OTHER_PIN, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await wait_until(pilot, lambda: "Budi Hartono" in header(app))
        assert app.signed_in == OTHER and not app.locked
        assert "PLG-02 Budi Hartono" in header(app) and "^l kunci" in header(app)
        assert app.focused is not None and app.focused.id == "reg-nik"
        await pilot.press("ctrl+q")
    assert setting(pins, "officer_code") == OTHER  # as the start of day would set it
    assert [code for code, _ in audit(pins, "officer.sign_in")] == [OTHER]
    assert [d for _, d in audit(pins, "officer.sign_out")] == [{"reason": "quit"}]


async def test_start_of_day_follows_the_sign_in_with_the_officer_fixed(booth, pins) -> None:
    app = booth(ask_start_of_day=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, StartOfDayScreen))
        await settle(pilot)
        officer = app.screen.query_one("#start-officer")
        assert officer.disabled and officer.value == OFFICER


async def test_a_wrong_pin_says_why_and_how_many_tries_are_left(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, pin="111222")
        assert isinstance(app.screen, SignInScreen) and app.signed_in is None
        assert message(app) == "PIN salah; sisa 4 percobaan sebelum dikunci sementara."
        assert app.screen.query_one("#signin-pin", Input).value == ""  # never left on screen
        await sign_in(pilot, officer="PLG-99")
        assert message(app) == "Kode petugas PLG-99 tidak dikenal di laptop ini."
    assert [d for _, d in audit(pins, "officer.pin_failed")] == [
        {"failed_attempts": 1, "locked_seconds": 0}
    ]


async def test_too_many_wrong_pins_lock_the_officer_out_until_a_time(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(officers_auth.FREE_ATTEMPTS):
            await sign_in(pilot, pin="111222")
        assert "terkunci sampai pukul" in message(app) and "detik lagi" in message(app)
        await sign_in(pilot)  # even the right PIN waits for the lock-out to pass
        assert isinstance(app.screen, SignInScreen) and app.signed_in is None
        assert message(app).startswith("Terlalu banyak PIN salah: PLG-01 terkunci sampai")
    assert audit(pins, "officer.pin_locked")
    assert audit(pins, "officer.sign_in") == []


async def test_idle_lock_keeps_a_half_typed_form_for_the_same_officer(
    booth, pins, clock: FakeClock
) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        form = app.screen
        await pilot.press(*"16710145129")
        form.query_one("#reg-full-name").focus()
        await pilot.press(*"Siti Ami")
        clock.wait(4)
        await pilot.press("n")  # a key resets the idle time
        clock.wait(4)
        app.lock_if_idle()
        assert not app.locked
        clock.wait(1.5)
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert "Layar terkunci · PLG-01 Rina Marlina" in str(
            app.screen.query_one("#signin-title", Static).render()
        )
        assert "Siti" not in "".join(str(w.render()) for w in app.screen.query(Static))
        assert app.screen.query_one("#signin-officer", Input).value == OFFICER
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "signin-pin")
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is form)
        assert form.query_one("#reg-nik", Input).value == "16710145129"
        assert form.query_one("#reg-full-name", Input).value == "Siti Amin"
        assert app.focused is form.query_one("#reg-full-name")  # the cursor where it was
        await pilot.press(*"ah")
        assert form.query_one("#reg-full-name", Input).value == "Siti Aminah"
    assert [(c, d) for c, d in audit(pins, "officer.locked")] == [(OFFICER, {"reason": "idle"})]
    assert len(audit(pins, "officer.sign_in")) == 2


async def test_idle_lock_zero_never_locks(booth, pins, clock: FakeClock) -> None:
    app = booth(idle_lock_minutes=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        clock.wait(600)
        app.lock_if_idle()
        assert not app.locked and isinstance(app.screen, RegistrationScreen)


async def test_lock_now_from_the_key_and_from_the_palette(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")  # the leads screen, to come back to
        await wait_until(pilot, lambda: app.current_mode == "leads")
        leads = app.screen
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        await pilot.press("f2")  # modes stay shut while locked
        await settle(pilot)
        assert app.current_mode == app.LOCK_MODE
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is leads)

        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Kunci sekarang")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
    assert [d for _, d in audit(pins, "officer.locked")] == [{"reason": "manual"}] * 2


async def test_another_officer_takes_over_a_locked_screen_after_confirming(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        form = app.screen
        form.query_one("#reg-full-name").focus()
        await pilot.press(*"Siti Aminah")
        await pilot.press("ctrl+l")
        await sign_in(pilot, pin=OTHER_PIN, officer=OTHER)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "PLG-01" in body and "draf" in body
        await pilot.press("escape")  # not now: the lock stays, PLG-01's form too
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert message(app) == "Tetap terkunci untuk PLG-01."
        assert app.signed_in == OFFICER and app.locked

        await sign_in(pilot, pin=OTHER_PIN, officer=OTHER)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # yes: sign in and discard PLG-01's unsaved input
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert app.screen is not form
        assert app.screen.query_one("#reg-full-name", Input).value == ""
        assert app.signed_in == OTHER and not app.locked
        await wait_until(pilot, lambda: "PLG-02 Budi Hartono" in header(app))
    assert setting(pins, "officer_code") == OTHER
    sign_outs = audit(pins, "officer.sign_out")
    assert sign_outs[0] == (OFFICER, {"reason": "switched"})


async def test_screens_finishing_work_under_the_lock_stay_under_it(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        form = app.screen
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        lock = app.screen
        # A save's worker answering now would push its next screen: it goes under the lock.
        dialog = ConfirmDialog("t", "b", confirm="y", cancel="n")
        app.push_screen(dialog)
        await settle(pilot)
        assert app.screen is lock
        dialog.dismiss(True)  # and a screen under the lock closing itself leaves it shut
        await settle(pilot)
        assert app.screen is lock and app.locked
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: app.screen is form)


async def test_at_80_columns_the_header_keeps_who_counts_and_unsynced(booth, pins) -> None:
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        app.screen.query_one("#signin-officer", Input).focus()
        await pilot.press(*"plg-02", "enter", *OTHER_PIN, "enter")
        await wait_until(pilot, lambda: "Budi Hartono" in header(app))
        shown = header(app)
        # The app's name and the event give way; nothing that matters is cut off.
        assert shown.startswith("PLG-02 Budi Hartono")
        assert "Hari ini 0 pemilik/0 pekerja/0 calon" in shown
        assert shown.endswith("Belum sinkron 0") and len(shown) <= 78
