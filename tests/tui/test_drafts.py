"""Nothing typed is lost (issue 15): a form in progress is kept in the laptop's file as the
officer types, and comes back after ctrl+q, on the next open, after another officer took
over the lock. It goes with the save, with ctrl+n, and with Esc on the workers' rows.

Everything through the real booth on a real file; the draft is checked in the file.
"""

from __future__ import annotations

import json
import sqlite3

from textual.widgets import Input, Static

from outreach_tui.store import Store
from outreach_tui.store.drafts import DraftKey
from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.leads import LeadScreen
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import OFFICER, synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_registration import fill_owner, type_into
from tests.tui.test_save_failures import fill_worker
from tests.tui.test_signin import (  # noqa: F401 - fixtures
    OTHER,
    OTHER_PIN,
    PIN,
    booth,
    clock,
    fast_pin_hash,
    pins,
    sign_in,
)


def drafts(store: Store) -> dict[str, dict]:
    """The drafts in the file, by kind (plain JSON: encryption is off here)."""
    with sqlite3.connect(store.path) as conn:
        found = conn.execute("SELECT kind, officer_code, data FROM form_drafts").fetchall()
    return {kind: {"officer": officer, **json.loads(data)} for kind, officer, data in found}


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


async def quit_confirmed(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+q")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
    body = str(pilot.app.screen.query_one("#confirm-body", Static).render())
    assert "draf" in body  # the officer is told it is kept, not lost
    await pilot.press("ctrl+s")  # "Keluar"
    await wait_until(pilot, lambda: not pilot.app.is_running)


async def test_a_half_typed_owner_is_kept_as_one_writes_and_restored_after_ctrl_q(
    make_app, booth_store
) -> None:
    nik = synthetic_nik(sex="F")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#reg-nik", nik)
        await type_into(pilot, "#reg-full-name", "Siti Amin")
        await wait_until(pilot, lambda: drafts(booth_store).get("registration", {}).get(
            "full_name") == "Siti Amin")  # fmt: skip
        draft = drafts(booth_store)["registration"]
        assert draft["nik"] == nik and draft["officer"] == OFFICER
        await type_into(pilot, "#reg-address", "Jl. Merdeka 5")  # quit before the debounce
        await quit_confirmed(pilot)
    assert drafts(booth_store)["registration"]["address"] == "Jl. Merdeka 5"  # flushed at quit

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        await wait_until(pilot, lambda: form.query_one("#reg-nik", Input).value == nik)
        assert form.query_one("#reg-full-name", Input).value == "Siti Amin"
        assert form.query_one("#reg-address", Input).value == "Jl. Merdeka 5"
        assert any(n.startswith("Draf dipulihkan dari ") and "ctrl+n untuk mulai baru" in n
                   for n in notices(app))  # fmt: skip
        assert "Perempuan" in str(form.query_one("#reg-summary").render())  # validated again
        await pilot.press("ctrl+n")  # a restored draft still asks before it goes
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        await settle(pilot)
        assert form.query_one("#reg-nik", Input).value == nik
        assert "registration" in drafts(booth_store)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # "Kosongkan"
        await wait_until(pilot, lambda: app.screen is form)
        await settle(pilot)
        assert form.query_one("#reg-nik", Input).value == ""
        assert drafts(booth_store) == {}  # ctrl+n removed the draft
        await pilot.pause(0.8)  # past the debounce: nothing comes back
        await settle(pilot)
        assert drafts(booth_store) == {}


async def test_the_english_booth_says_it_in_english(make_app, booth_store) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#reg-full-name", "Siti")
        await wait_until(pilot, lambda: "registration" in drafts(booth_store))
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#reg-full-name", Input).value)
        await wait_until(pilot, lambda: notices(app))  # App.notify is a message: it lags
        assert any(n.startswith("Draft restored from ") and "ctrl+n to start afresh" in n
                   for n in notices(app))  # fmt: skip


async def test_the_save_removes_the_draft_even_when_typed_just_before_ctrl_s(
    make_app, booth_store
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"))
        await wait_until(pilot, lambda: "registration" in drafts(booth_store))
        app.screen.query_one("#reg-business-name").focus()
        await pilot.press("end", *" Jaya")  # a change still pending
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert drafts(booth_store) == {}
        await pilot.pause(0.8)  # the pending change never brings it back
        await settle(pilot)
        assert drafts(booth_store) == {}
        await pilot.press("escape")  # back to an empty form for the next visitor
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == ""
    with sqlite3.connect(booth_store.path) as conn:
        assert conn.execute("SELECT business_name FROM registrations").fetchall() == [
            ("Pempek Cek Siti Jaya",)
        ]
    assert drafts(booth_store) == {}


async def test_workers_rows_come_back_at_the_next_start_and_the_household_finishes(
    make_app, booth_store
) -> None:
    worker_nik = synthetic_nik(sex="M")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=2)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        assert drafts(booth_store) == {}  # the owner is saved: no owner draft
        await fill_worker(pilot, 0, worker_nik, "Budi Santoso")
        await wait_until(pilot, lambda: "workers" in drafts(booth_store))
        await quit_confirmed(pilot)
    draft = drafts(booth_store)["workers"]
    assert draft["rows"][0]["nik"] == worker_nik and draft["rows"][0]["consent"] is True

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        screen = app.screen
        # pushed, not yet composed, on a loaded machine: the cell may not exist yet
        await wait_until(pilot, lambda: screen.query("#worker-0-nik") and screen.query_one(
            "#worker-0-nik", Input).value)  # fmt: skip
        assert screen.query_one("#worker-0-nik", Input).value == worker_nik
        assert screen.query_one("#worker-0-full-name", Input).value == "Budi Santoso"
        assert screen.query_one("#worker-0-consent").value is True
        await wait_until(pilot, lambda: notices(app))  # App.notify is a message: it lags
        assert any("Draf baris pekerja dipulihkan" in n for n in notices(app))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    with sqlite3.connect(booth_store.path) as conn:
        assert conn.execute(
            "SELECT full_name FROM registrations WHERE role = 'worker'"
        ).fetchall() == [("Budi Santoso",)]
    assert drafts(booth_store) == {}  # gone with the save


async def test_esc_on_restored_workers_rows_gives_them_up_after_asking(
    make_app, booth_store
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        await fill_worker(pilot, 0, synthetic_nik(sex="M"), "Budi Santoso")
        await wait_until(pilot, lambda: "workers" in drafts(booth_store))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # leave without the rows
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await settle(pilot)
        assert drafts(booth_store) == {}


async def test_a_lead_in_progress_comes_back_on_the_leads_screen(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        await type_into(pilot, "#lead-full-name", "Andi Wijaya")
        await type_into(pilot, "#lead-phone", "081377778888")
        await wait_until(pilot, lambda: drafts(booth_store).get("lead", {}).get("phone"))
        await quit_confirmed(pilot)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert drafts(booth_store)["lead"]["full_name"] == "Andi Wijaya"
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, LeadScreen))
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one("#lead-full-name", Input).value)
        assert screen.query_one("#lead-phone", Input).value == "081377778888"
        assert any("Draf calon peserta dipulihkan" in n for n in notices(app))
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert "lead" not in drafts(booth_store)


async def test_another_officer_gets_an_empty_form_and_the_first_gets_theirs_back(
    booth,  # noqa: F811 - the fixtures imported above
    pins,  # noqa: F811
) -> None:
    """Idle lock, then another officer: PLG-01's half-typed owner is kept as PLG-01's
    draft (written as the lock covers it), PLG-02 starts empty, and when PLG-01 signs in
    again after PLG-02 the form comes back."""
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await type_into(pilot, "#reg-full-name", "Siti Aminah")
        await pilot.press("ctrl+l")  # at once: before the debounce
        await wait_until(pilot, lambda: drafts(pins).get("registration", {}).get("officer")
                         == OFFICER)  # fmt: skip
        await sign_in(pilot, pin=OTHER_PIN, officer=OTHER)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # PLG-02 takes over
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == ""
        await type_into(pilot, "#reg-full-name", "Budi")
        await wait_until(pilot, lambda: len(drafts_by_officer(pins)) == 2)
        await pilot.press("ctrl+l")
        await sign_in(pilot, pin=PIN, officer=OFFICER)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#reg-full-name", Input).value)
        assert form.query_one("#reg-full-name", Input).value == "Siti Aminah"
    assert drafts_by_officer(pins) == {OFFICER: "Siti Aminah", OTHER: "Budi"}


def drafts_by_officer(store: Store) -> dict[str, str]:
    with sqlite3.connect(store.path) as conn:
        found = conn.execute("SELECT officer_code, data FROM form_drafts").fetchall()
    return {officer: json.loads(data)["full_name"] for officer, data in found}


async def test_at_start_another_officer_signing_in_never_sees_the_first_ones_draft(
    booth,  # noqa: F811 - the fixtures imported above
    pins,  # noqa: F811
) -> None:
    pins.drafts.put(DraftKey("registration", OFFICER), {"full_name": "Siti Aminah"})
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, pin=OTHER_PIN, officer=OTHER)
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == ""
    app = booth()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, officer=OFFICER)
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        form = app.screen
        await wait_until(pilot, lambda: form.query_one("#reg-full-name", Input).value)
        assert form.query_one("#reg-full-name", Input).value == "Siti Aminah"
