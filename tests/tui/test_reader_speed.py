"""Input at a reader's speed (issue #15, observation 8 and the first half of 9).

A KTP or barcode reader in keyboard mode types a few ms per key, and a terminal hands a
burst of keys to the app in one read: here every key of a household is posted to the app
before it handles the first, with Tab between the fields, and every field must hold
exactly what was typed. A NIK's 16th digit moves on by itself (and the Tab an officer
presses out of habit after it is not a second move); a paste too long for a field says so,
as typing too much does, and leaves the field as it was.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from textual import events
from textual.widgets import Checkbox, Input, Static

from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until

OWNER_NIK = synthetic_nik(sex="F")
WORKER_NIKS = [synthetic_nik(sex="M"), synthetic_nik(sex="F"), synthetic_nik(sex="M")]
# The owner form in its tab order (text fields, then sector, months, JHT, the consent
# text, the consent box).
OWNER = {
    "nik": OWNER_NIK, "full-name": "Siti Aminah", "birth-date": "", "birth-place": "Palembang",
    "phone": "0812-3456-7890", "email": "siti@example.id", "address": "Jl. Merdeka No. 5",
    "business-name": "Pempek Cek Siti", "workers-count": "3", "declared-income": "1.000.000",
}  # fmt: skip
WORKERS = [
    {"nik": WORKER_NIKS[0], "full-name": "Budi Santoso", "phone": "0813-1111-2222",
     "declared-income": "1500000"},
    {"nik": WORKER_NIKS[1], "full-name": "Jl. Ani", "phone": "",  # "Jl." lost its J before
     "declared-income": "1.200.000"},
    {"nik": WORKER_NIKS[2], "full-name": "Rudi Hartono", "phone": "0812 9999 0000",
     "declared-income": "2000000"},
]  # fmt: skip


def key_of(character: str) -> str:
    """A character's key name, as a terminal driver reports it ("space", "full_stop")."""
    if character.isalnum():
        return character
    return unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")


def burst(app, keys: list[str | tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """Post every key to the app at once, as a terminal's read of a reader's burst does:
    text as (key, character) pairs, named keys ("tab") as they are."""
    for item in keys:
        key, character = item if isinstance(item, tuple) else (item, None)
        app.post_message(events.Key(key, character))


def text_keys(text: str) -> list[tuple[str, str]]:
    return [(key_of(c), c) for c in text]


def owner_keys() -> list[str | tuple[str, str]]:
    keys: list[str | tuple[str, str]] = []
    for value in OWNER.values():
        keys += [*text_keys(value), "tab"]
    # sector: type-ahead "k", "k" (Kurir, then Kuliner); months as offered; JHT no; the
    # consent text; the consent ticked
    keys += [("k", "k"), ("k", "k"), "tab", "tab", "tab", "tab", ("space", " ")]
    return keys


def worker_rows_keys() -> list[list[str | tuple[str, str]]]:
    """Per row: its fields, then the consent tick (which asks that worker, issue 20)."""
    rows: list[list[str | tuple[str, str]]] = []
    for row in WORKERS:
        keys: list[str | tuple[str, str]] = []
        for value in row.values():
            keys += [*text_keys(value), "tab"]
        keys.append(("space", " "))  # the consent: ticked, and on to the next row
        rows.append(keys)
    return rows


def values(screen, ids: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {i: screen.query_one(f"#{i}", Input).value for i in ids}


async def test_a_household_typed_in_one_burst_lands_in_its_fields(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, owner_keys())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        assert values(screen, [f"reg-{f}" for f in OWNER]) == {
            f"reg-{f}": v for f, v in OWNER.items()
        }
        assert screen.query_one("#reg-sector").selection == "kuliner"
        assert screen.query_one("#reg-consent", Checkbox).value
        assert not screen.query_one("#reg-jht", Checkbox).value

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        await settle(pilot)
        for row in worker_rows_keys():  # each row ends with the tick: that worker's own yes
            burst(app, row)
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
            await settle(pilot)
        screen = app.screen
        for index, row in enumerate(WORKERS):
            ids = [f"worker-{index}-{column}" for column in row]
            assert values(screen, ids) == dict(zip(ids, row.values(), strict=True))
            assert screen.query_one(f"#worker-{index}-consent", Checkbox).value
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    with sqlite3.connect(booth_store.path) as conn:
        saved = conn.execute(
            "SELECT nik, full_name, phone, declared_income FROM registrations ORDER BY seq"
        ).fetchall()
    assert saved == [
        (OWNER_NIK, "Siti Aminah", "+6281234567890", 1_000_000),
        (WORKER_NIKS[0], "Budi Santoso", "+6281311112222", 1_500_000),
        (WORKER_NIKS[1], "Jl. Ani", None, 1_200_000),
        (WORKER_NIKS[2], "Rudi Hartono", "+6281299990000", 2_000_000),
    ]


async def test_a_complete_nik_moves_on_and_the_habitual_tab_is_not_a_second_move(
    make_app, booth_store
):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*OWNER_NIK)  # no Tab: the 16th digit moves to the name
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "reg-full-name"
        await pilot.press(*"Siti", "tab")  # a Tab after typed text moves on
        await settle(pilot)
        assert app.screen.query_one("#reg-full-name", Input).value == "Siti"
        assert app.focused is not None and app.focused.id == "reg-birth-date"

        await pilot.press("ctrl+n")  # clear the form for the next try
        await settle(pilot)
        await pilot.press("ctrl+s")  # "Kosongkan"
        await settle(pilot)
        assert app.screen.query_one("#reg-nik", Input).value == ""
        await pilot.press(*OWNER_NIK, "tab", *"Siti")  # the Tab out of habit is absorbed
        await settle(pilot)
        assert values(app.screen, ["reg-nik", "reg-full-name"]) == {
            "reg-nik": OWNER_NIK, "reg-full-name": "Siti"}  # fmt: skip
        await pilot.press("shift+tab")  # back to the NIK is always possible
        assert app.focused is not None and app.focused.id == "reg-nik"


async def test_a_scanner_s_nik_with_a_tab_suffix_in_one_burst(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, [*text_keys(OWNER_NIK), "tab", *text_keys("Siti Aminah")])
        await settle(pilot)
        assert values(app.screen, ["reg-nik", "reg-full-name", "reg-birth-date"]) == {
            "reg-nik": OWNER_NIK, "reg-full-name": "Siti Aminah", "reg-birth-date": ""}  # fmt: skip


async def test_a_tab_after_a_ticked_consent_is_not_a_second_move(make_app, booth_store):
    """Space ticks a worker's consent and moves to the next row's NIK; the Tab an officer
    used to press next is absorbed, but only when it is the very next key."""
    from outreach_tui.tui.screens.workers import WorkersScreen as Workers

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(Workers(owner_uuid="none", count=3, sector="kuliner", payment_months=1))
        await wait_until(pilot, lambda: isinstance(app.screen, Workers)
                         and bool(app.screen.query("#worker-2-nik")))  # fmt: skip
        await settle(pilot)
        screen = app.screen
        screen.query_one("#worker-0-consent").focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # the worker's own yes (issue 20)
        await wait_until(pilot, lambda: app.screen is screen)
        await pilot.press("tab", *WORKER_NIKS[1])  # the older habit: space (yes), Tab
        await settle(pilot)
        assert screen.query_one("#worker-0-consent", Checkbox).value
        assert values(screen, ["worker-1-nik", "worker-1-full-name"]) == {
            "worker-1-nik": WORKER_NIKS[1], "worker-1-full-name": ""}  # fmt: skip
        # after the tick, a NIK and Tab in one burst: that Tab is a move (not the next key)
        screen.query_one("#worker-1-consent").focus()
        await pilot.press("space")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert app.focused is screen.query_one("#worker-2-nik")
        burst(app, [*text_keys(WORKER_NIKS[2]), "tab", *text_keys("Rudi"), "tab",
                    *text_keys("0812")])  # fmt: skip
        await settle(pilot)
        assert values(screen, ["worker-2-nik", "worker-2-full-name", "worker-2-phone"]) == {
            "worker-2-nik": WORKER_NIKS[2], "worker-2-full-name": "Rudi",
            "worker-2-phone": "0812"}  # fmt: skip


# -- a paste too long for its field ------------------------------------------------------------


def problem_under(screen, field: str) -> str:  # type: ignore[no-untyped-def]
    lines = screen.query(f"#problem-{field.replace('_', '-')}")
    return str(lines.first().render()) if lines and lines.first().display else ""


async def test_a_long_paste_says_too_long_and_keeps_the_field(make_app, booth_store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        name = screen.query_one("#reg-full-name", Input)
        name.focus()
        await pilot.press(*"Siti")
        app.post_message(events.Paste("x" * 5000))
        await settle(pilot)
        assert name.value == "Siti"  # as it was: nothing half-pasted
        said = problem_under(screen, "full_name")
        assert "Terlalu panjang: paling banyak 100 karakter (tertulis 5004)" in said
        # the same words as typing too much
        name.value = "y" * 101
        await settle(pilot)
        assert "Terlalu panjang: paling banyak 100 karakter" in problem_under(screen, "full_name")

        address = screen.query_one("#reg-address", Input)
        address.focus()
        app.post_message(events.Paste("Jl. Merdeka No. 5"))  # a paste that fits goes in
        await settle(pilot)
        assert address.value == "Jl. Merdeka No. 5"


async def test_a_long_paste_in_english_and_in_a_worker_row(make_app, booth_store):
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#reg-address", Input).focus()
        app.post_message(events.Paste("a" * 5000))
        await settle(pilot)
        assert "Too long: at most 300 characters (got 5000)" in problem_under(app.screen, "address")
        app.push_screen(WorkersScreen(owner_uuid="none", count=2, sector="kuliner",
                                      payment_months=1))  # fmt: skip
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen)
                         and bool(app.screen.query("#worker-1-full-name")))  # fmt: skip
        screen = app.screen
        cell = screen.query_one("#worker-1-full-name", Input)
        cell.focus()
        app.post_message(events.Paste("b" * 5000))
        await settle(pilot)
        assert cell.value == ""
        info = str(screen.query_one("#worker-1-info", Static).render())
        assert "Too long: at most 100 characters (got 5000)" in info
        await pilot.press("B")  # the next key clears the message
        await settle(pilot)
        assert "Too long" not in str(screen.query_one("#worker-1-info", Static).render())
