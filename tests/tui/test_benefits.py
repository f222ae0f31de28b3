"""The benefits explainer through the real app: real rupiah for the chosen sector and
income on the booth day (23 Nov 2026, PP 50/2025 window closing), and ctrl+r carrying the
choices into the registration form."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import Checkbox, Input, Static

from outreach_tui.tui.screens.benefits import BenefitsScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.widgets.choice import Choice
from tests.tui.conftest import settle


def shown(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The plain text a Static shows (its content may be a Rich Group of tables and bars)."""
    console = Console(width=100, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(app.screen.query_one(selector, Static).content)
    return capture.get()


async def choose_sector(pilot, steps: int) -> None:  # type: ignore[no-untyped-def]
    """Open the sector list with the keyboard and pick its ``steps``-th sector (1 = first)."""
    pilot.app.screen.query_one("#explain-sector").focus()
    await pilot.press("enter", *["down"] * (steps - 1), "enter")
    await pilot.pause()


async def retype(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector).focus()
    await pilot.press("home", "ctrl+k", *text)
    await pilot.pause()


async def test_kuliner_at_one_million_shows_discount_and_death_at_work(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, BenefitsScreen)
        assert "Pilih sektor dulu" in shown(app, "#explain-contribution")
        await choose_sector(pilot, 5)  # ojek, sopir, kurir, perdagangan, kuliner
        assert app.screen.query_one("#explain-sector", Choice).selection == "kuliner"

        contribution = shown(app, "#explain-contribution")
        assert "November 2026" in contribution
        assert "Rp8.400/bln" in contribution  # now: JKK+JKM halved
        assert "Rp16.800/bln" in contribution  # normal
        assert "sampai 31-12-2026" in contribution
        assert "Mulai Januari 2027: Rp16.800/bulan" in contribution
        assert "tinggal 2 bulan" in contribution  # the window is about to close
        assert "Perkiraan" not in contribution  # Rp1,000,000 is the verified row

        family = shown(app, "#explain-benefits")
        assert "Meninggal karena kecelakaan kerja" in family
        assert "Rp70.000.000" in family
        assert "+ beasiswa 2 anak" in family
        assert "Rp174.000.000" in family
        assert "Meninggal bukan karena kecelakaan kerja" in family
        assert "Rp42.000.000" in family
        assert "Rp1.000.000/bulan selama 12 bulan" in family


async def test_every_change_recomputes(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 5)
        await retype(pilot, "#explain-income", "2.000.000")
        app.screen.query_one("#explain-jht").focus()
        await pilot.press("space")
        await pilot.pause()

        contribution = shown(app, "#explain-contribution")
        # JKK 1% of 2,000,000 = 20,000 → 10,000; JKM 6,800 → 3,400; JHT 2% = 40,000 in full.
        assert "Rp53.400/bln" in contribution
        assert "Rp66.800/bln" in contribution
        assert "JHT hari tua" in contribution
        assert "Perkiraan" in contribution  # only the Rp1,000,000 band is verified
        family = shown(app, "#explain-benefits")
        assert "Rp118.000.000" in family  # 48 × 2,000,000 + 12,000,000 + 10,000,000
        assert "(perkiraan)" in family

        # One child, two years of contributions: no scholarship yet after a normal death.
        app.screen.query_one("#explain-children").focus()
        await pilot.press("enter", "up", "enter")
        await retype(pilot, "#explain-years", "2")
        family = shown(app, "#explain-benefits")
        assert "+ beasiswa 1 anak" in family
        assert "Belum memenuhi syarat" in family
        assert "Rp87.000.000" in family  # the work-accident route has no minimum

        await retype(pilot, "#explain-income", "")
        assert "Isi penghasilan" in shown(app, "#explain-contribution")


async def test_transport_keeps_the_discount_until_march_2027(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 1)  # ojek
        contribution = shown(app, "#explain-contribution")
        assert "sampai 31-03-2027" in contribution
        assert "Mulai April 2027" in contribution
        assert "tinggal" not in contribution  # five months left: no warning yet


async def test_ctrl_r_takes_the_choices_into_the_registration_form(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 5)
        await retype(pilot, "#explain-income", "1500000")
        app.screen.query_one("#explain-jht").focus()
        await pilot.press("space")
        await pilot.press("ctrl+r")
        await settle(pilot)

        assert app.current_mode == "register"
        form = app.screen
        assert isinstance(form, RegistrationScreen)
        assert form.query_one("#reg-sector", Choice).selection == "kuliner"
        assert form.query_one("#reg-declared-income", Input).value == "1.500.000"
        assert form.query_one("#reg-jht", Checkbox).value is True
        assert form.focused is form.query_one("#reg-nik", Input)


async def test_english(make_app) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 5)
        contribution = shown(app, "#explain-contribution")
        assert "Now" in contribution and "Rp8.400/mo" in contribution
        assert "From January 2027: Rp16.800/month" in contribution
        assert "Death from a work accident" in shown(app, "#explain-benefits")
