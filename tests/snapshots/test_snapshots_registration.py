"""Snapshots of the registration flow at 80×24 and 120×40 (fixed clock, fixed data).

Regenerate after an intended visual change with
`pytest tests/snapshots --snapshot-update` and review the SVGs in the report.
"""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import Input

from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.widgets.choice import Choice
from tests.conftest import TODAY

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def app(booth_store) -> OutreachApp:  # type: ignore[no-untyped-def]
    return OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    for text_input in pilot.app.screen.query(Input):
        text_input.cursor_blink = False  # a blinking cursor makes pictures differ
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_form_empty(snap_compare, app, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_errors(snap_compare, app, size) -> None:  # type: ignore[no-untyped-def]
    async def fill_badly(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.screen.query_one("#reg-nik").focus()
        await pilot.press(*"1671014512900000")
        pilot.app.screen.query_one("#reg-phone").focus()
        await pilot.press(*"021 5551234")
        pilot.app.screen.query_one("#reg-declared-income").focus()
        await pilot.press(*"750.000")
        pilot.app.screen.query_one("#reg-sector", Choice).value = "kuliner"
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=fill_badly)


def test_form_scrolled_to_consent(snap_compare, app) -> None:  # type: ignore[no-untyped-def]
    # At 80x24 the form scrolls; the labels the form draws must move with their controls.
    async def scroll_down(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("ctrl+s")  # every problem shown: the form grows
        await settle(pilot)
        pilot.app.screen.query_one("#reg-consent").focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=scroll_down)


@pytest.mark.parametrize("size", SIZES)
def test_receipt(snap_compare, app, booth_store, register, size) -> None:  # type: ignore[no-untyped-def]
    saved = register(workers=2, full_name="Siti Aminah", declared_income="1.000.000")
    # Fixed receipt number and time so the picture never changes.
    with sqlite3.connect(booth_store.path) as conn:
        conn.execute(
            "UPDATE registrations SET reference_no = 'R' || substr('00000000000' || seq, -11),"
            " created_at = '2026-11-23T03:15:00.000Z', full_name = CASE role"
            " WHEN 'owner' THEN full_name ELSE 'Pekerja ' || seq END"
        )
        conn.execute(
            "UPDATE registrations SET nik = '167101' || substr(nik, 7, 6) || printf('%04d', seq)"
        )
    owner_uuid = saved.owner.uuid

    async def open_receipt(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.push_screen(ReceiptScreen(owner_uuid))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_receipt)


@pytest.mark.parametrize("language", ["id", "en"])
def test_consent_text_open(snap_compare, booth_store, language) -> None:  # type: ignore[no-untyped-def]
    """The registration consent text 2026.2 on screen at 80×24 (issue 20; UU 27/2022:
    controller, contact, basis, purpose, retention, rights — bpjstk-bpu.md, audit Dec 2026)."""
    app = OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY, language=language)

    async def open_text(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        disclosure = pilot.app.screen.query_one("#reg-consent-text")
        disclosure.focus()
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.query_one("#reg-form").scroll_to_widget(disclosure, top=True,
                                                                 animate=False)  # fmt: skip
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_text)


def test_worker_own_consent_dialog(snap_compare, app, booth_store, register) -> None:  # type: ignore[no-untyped-def]
    """The consent text addressed to one worker by name, at 80×24 (issue 20: each worker
    consents for themself, bpjstk-bpu.md audit Dec 2026)."""
    from outreach_tui.tui.screens.workers import WorkersScreen

    saved = register(full_name="Siti Aminah")

    async def ask(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.push_screen(WorkersScreen(owner_uuid=saved.owner.uuid, count=1,
                                            sector="kuliner", payment_months=1))  # fmt: skip
        await settle(pilot)
        pilot.app.screen.query_one("#worker-0-full-name").focus()
        await pilot.press(*"Budi Santoso")
        pilot.app.screen.query_one("#worker-0-consent").focus()
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ask)
