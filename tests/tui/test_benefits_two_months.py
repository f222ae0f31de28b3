"""The benefits screen offers the official app's advance periods, 2 months included
(issue #20; shared/reference/bpjstk-bpu.md, audit Dec 2026: "Advance payment: 1, 2, 3, 6 or
12 months"), and sums the 2 months month by month (booth day 23 Nov 2026)."""

from __future__ import annotations

from outreach_tui.tui.widgets.choice import Choice
from tests.tui.conftest import settle
from tests.tui.test_benefits import choose_sector, shown


async def test_two_months_in_advance_on_the_benefits_screen(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 4)  # perdagangan (general: PP 50/2025 until Dec 2026)
        months = app.screen.query_one("#explain-months", Choice)
        assert [value for _, value in months.options] == [1, 2, 3, 6, 12]
        months.value = 2
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        contribution = shown(app, "#explain-contribution")
        # November and December 2026 both at the discounted Rp8,400.
        assert "Untuk 2 bulan (November 2026–Desember 2026): Rp16.800" in contribution
        assert "Rincian 2 bulan" in contribution
