"""The right rupiah on screen (issue #15 obs. 4 and 10): the advance payment summed month
by month on the registration summary and the benefits screen (F7: the breakdown), the
household total on the receipt, and the receipt printed again from the records screen.

Booth day 23 Nov 2026; the PP 50/2025 window for the general sectors ends 31 Dec 2026
(../shared/reference/bpjstk-bpu.md), so 6 months from November are 2 discounted months
and 4 at the normal amount."""

from __future__ import annotations

import sqlite3

from textual.widgets import Static

from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.records import RecordsScreen
from outreach_tui.tui.widgets.choice import Choice
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until
from tests.tui.test_benefits import choose_sector, shown
from tests.tui.test_records import open_records
from tests.tui.test_registration import fill_owner


async def test_registration_summary_sums_six_months_month_by_month(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"))  # kuliner, Rp1,000,000
        app.screen.query_one("#reg-payment-months", Choice).value = 6
        await pilot.pause()
        summary = str(app.screen.query_one("#reg-summary").render())
        # Nov + Dec at Rp8,400, Jan–Apr 2027 at Rp16,800 — never 6 × Rp8,400 = Rp50,400.
        assert "Untuk 6 bulan (11-2026–04-2027): Rp84.000" in summary
        assert "Rp50.400" not in summary
        assert "2 bulan dengan diskon, 4 bulan harga normal" in summary


async def test_benefits_screen_prepayment_and_breakdown_key(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await choose_sector(pilot, 4)  # perdagangan (general)
        app.screen.query_one("#explain-jht").focus()
        await pilot.press("space")
        app.screen.query_one("#explain-months", Choice).value = 6
        await pilot.pause()
        contribution = shown(app, "#explain-contribution")
        # The figure: with JHT 6 × Rp28,400 = Rp170,400 was read aloud.
        assert "Rp170.400" not in contribution
        assert "Untuk 6 bulan (November 2026–April 2027): Rp204.000" in contribution
        assert "F7: rincian per bulan" in contribution
        assert "Rincian 6 bulan" not in contribution

        await pilot.press("f7")
        await pilot.pause()
        contribution = shown(app, "#explain-contribution")
        assert "Rincian 6 bulan" in contribution
        lines = [line for line in contribution.splitlines() if "2026" in line or "2027" in line]
        december = next(line for line in lines if line.strip().startswith("Desember 2026"))
        january = next(line for line in lines if line.strip().startswith("Januari 2027"))
        assert "Rp28.400" in december and "diskon" in december
        assert "Rp36.800" in january and "diskon" not in january
        await pilot.press("f7")
        await pilot.pause()
        assert "Rincian 6 bulan" not in shown(app, "#explain-contribution")


async def test_receipt_household_total_and_reprint_from_records(
    make_app, booth_store, register
) -> None:
    saved = register(workers=2, declared_income="1.000.000")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_records(pilot)
        assert isinstance(app.screen, RecordsScreen)
        table = app.screen.query_one("#records-table")
        table.focus()
        rows = app.screen.page.rows
        owner_row = next(i for i, r in enumerate(rows) if r["uuid"] == saved.owner.uuid)
        table.move_cursor(row=owner_row)
        await pilot.press("ctrl+r")  # reprint (ctrl+t adds workers there)
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await wait_until(pilot, lambda: app.screen.receipt is not None)
        text = str(app.screen.query_one("#receipt-text", Static).render())
        assert saved.owner.reference_no in text
        owner = booth_store.registrations.get(saved.owner.uuid)
        workers = booth_store.registrations.workers_of(saved.owner.uuid)
        now = owner["monthly_due"] + sum(w["monthly_due"] for w in workers)
        after = owner["monthly_normal"] + sum(w["monthly_normal"] for w in workers)
        assert "Total rumah tangga (3 orang: pemilik + 2 pekerja)" in text
        assert f"Per bulan sekarang: Rp{now:,}".replace(",", ".") in text
        assert f"Rp{after:,}/bulan".replace(",", ".") in text
        assert "tunggakan dibayar untuk aktif kembali" in text

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RecordsScreen))
        worker_row = next(i for i, r in enumerate(app.screen.page.rows) if r["role"] == "worker")
        app.screen.query_one("#records-table").move_cursor(row=worker_row)
        await pilot.press("ctrl+r")  # a worker's row: its owner's receipt
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert app.screen.owner_uuid == saved.owner.uuid


async def test_apbn_question_on_the_form_removes_the_discount_and_is_saved(
    make_app, booth_store
) -> None:
    """PP 50/2025 art. 3 (bpjstk-bpu.md, audit Dec 2026): JKK/JKM paid from APBN/APBD get
    no discount — one yes/no question on the form, carried in the record."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"))  # kuliner, Rp1,000,000
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "Bayar sekarang: Rp8.400" in summary
        app.screen.query_one("#reg-state-funded").focus()
        await pilot.press("space")
        await pilot.pause()
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "Bayar sekarang: Rp16.800" in summary
        assert "APBN/APBD: tanpa diskon PP 50/2025" in summary
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    with sqlite3.connect(booth_store.path) as conn:
        found = conn.execute(
            "SELECT state_funded, monthly_due, monthly_normal FROM registrations"
        ).fetchall()
    assert found == [(1, 16_800, 16_800)]
