"""The booth's main job, driven through the real app: register an owner and two workers,
see the receipt, get a duplicate warning, and never save what is invalid."""

from __future__ import annotations

import sqlite3

from textual.geometry import Region
from textual.widgets import Input, Static

from outreach_tui.domain.consent import current
from outreach_tui.store import Store
from outreach_tui.tui.dialogs.confirm import ConfirmDialog
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.workers import WorkersScreen
from outreach_tui.tui.widgets.field_form import FieldForm
from tests.conftest import synthetic_nik
from tests.tui.conftest import settle, wait_until


def rows(store: Store, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(sql, params).fetchall()


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector).focus()
    await pilot.press(*text)


async def tick_worker(pilot, index: int) -> None:  # type: ignore[no-untyped-def]
    """Tick row ``index``: the dialog addressed to that worker, and their own yes."""
    pilot.app.screen.query_one(f"#worker-{index}-consent").focus()
    await pilot.press("space")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ConfirmDialog))


async def fill_owner(pilot, *, nik: str, workers: int = 0) -> None:  # type: ignore[no-untyped-def]
    await type_into(pilot, "#reg-nik", nik)
    await type_into(pilot, "#reg-full-name", "Siti Aminah")
    await type_into(pilot, "#reg-phone", "0812-3456-7890")
    await type_into(pilot, "#reg-address", "Jl. Merdeka No. 5, Palembang")
    await type_into(pilot, "#reg-business-name", "Pempek Cek Siti")
    await type_into(pilot, "#reg-workers-count", str(workers))
    await type_into(pilot, "#reg-declared-income", "1.000.000")
    pilot.app.screen.query_one("#reg-sector").focus()
    await pilot.press("enter", "k", "k", "enter")  # the list: Kurir, then Kuliner
    pilot.app.screen.query_one("#reg-consent").focus()
    await pilot.press("space")  # the participant agreed
    await pilot.pause()


async def test_register_owner_with_two_workers_then_receipt(make_app, booth_store) -> None:
    app = make_app()
    nik = synthetic_nik(sex="F")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "ketik 16 angka NIK" in summary
        await fill_owner(pilot, nik=nik, workers=2)
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "Bayar sekarang: Rp8.400" in summary  # Nov 2026: PP 50/2025 halves 16,800
        assert "31-12-2026" in summary
        assert "Siap disimpan" in summary

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        # The owner is already on disk before any worker is typed.
        assert rows(booth_store, "SELECT full_name, role FROM registrations") == [
            ("Siti Aminah", "owner")
        ]
        for index, (name, worker_nik) in enumerate(
            [("Budi Santoso", synthetic_nik(sex="M")), ("Rudi Hartono", synthetic_nik(sex="M"))]
        ):
            await type_into(pilot, f"#worker-{index}-nik", worker_nik)
            await type_into(pilot, f"#worker-{index}-full-name", name)
            await type_into(pilot, f"#worker-{index}-declared-income", "1500000")
            await tick_worker(pilot, index)  # each worker agrees themself (issue 20)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        await wait_until(pilot, lambda: "█" in str(app.screen.query_one("#receipt-qr").render()))

        owner = rows(
            booth_store,
            "SELECT uuid, reference_no, monthly_due FROM registrations WHERE role = 'owner'",
        )
        assert len(owner) == 1
        owner_uuid, reference_no, monthly_due = owner[0]
        assert monthly_due == 8_400
        workers = rows(
            booth_store,
            "SELECT full_name, owner_uuid, sync_state FROM registrations"
            " WHERE role = 'worker' ORDER BY seq",
        )
        assert workers == [
            ("Budi Santoso", owner_uuid, "pending"),
            ("Rudi Hartono", owner_uuid, "pending"),
        ]
        receipt = str(app.screen.query_one("#receipt-text", Static).render())
        assert reference_no in receipt
        assert "Rp8.400" in receipt and "Rp16.800" in receipt
        assert "tanggal 15" in receipt
        assert "Budi Santoso" in receipt
        assert "█" in str(app.screen.query_one("#receipt-qr", Static).render())  # QR drawn

        await pilot.press("enter")  # next registration
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        await wait_until(pilot, lambda: app.status is not None and app.status.pending_sync == 3)
        assert app.screen.query_one("#reg-nik", Input).value == ""
        assert app.status is not None and app.status.today_owners >= 0
        assert app.status.pending_sync == 3


async def test_invalid_form_is_not_saved_and_says_why(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#reg-nik", "1671014512900000")  # serial 0000
        await type_into(pilot, "#reg-full-name", "Siti Aminah")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)
        problem = app.screen.query_one("#problem-nik")
        assert "0000" in str(problem.render())
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "Belum bisa disimpan" in summary
        assert app.focused is not None and app.focused.id == "reg-nik"
    assert rows(booth_store, "SELECT count(*) FROM registrations") == [(0,)]


async def test_duplicate_nik_warns_before_save_and_never_blocks(make_app, booth_store,
                                                                register) -> None:  # fmt: skip
    earlier = register()
    nik = rows(booth_store, "SELECT nik FROM registrations WHERE uuid = ?", earlier.owner.uuid)[0][
        0
    ]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=nik)
        await wait_until(pilot, lambda: "Mungkin sudah terdaftar" in str(
            app.screen.query_one("#reg-summary").render()))  # fmt: skip
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "PLG-01" in summary and earlier.owner.reference_no in summary

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")  # go back: nothing saved
        await settle(pilot)
        assert rows(booth_store, "SELECT count(*) FROM registrations WHERE nik = ?", nik) == [(1,)]

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("ctrl+s")  # "save anyway" in the dialog
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
    assert rows(booth_store, "SELECT count(*) FROM registrations WHERE nik = ?", nik) == [(2,)]


async def test_english_form(make_app) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = str(app.screen.query_one("#reg-summary").render())
        assert "Cannot save yet" in summary


async def test_workers_under_the_micro_employer_path(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, WorkersScreen))
        app.screen.query_one("#workers-path").focus()
        await pilot.press("right")  # BPU -> PU (micro business)
        assert "PU" in str(app.screen.query_one("#workers-path").render())
        await type_into(pilot, "#worker-0-nik", synthetic_nik(sex="M"))
        await type_into(pilot, "#worker-0-full-name", "Budi Santoso")
        await type_into(pilot, "#worker-0-declared-income", "1500000")
        await tick_worker(pilot, 0)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        assert rows(booth_store, "SELECT role, path FROM registrations ORDER BY seq") == [
            ("owner", "bpu"),
            ("worker", "pu_micro"),
        ]


async def test_consent_text_opens_in_place_and_labels_follow(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.screen.query_one(FieldForm)
        checkbox = app.screen.query_one("#reg-consent")
        before = checkbox.region.y
        app.screen.query_one("#reg-consent-text").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert current().text("id")[:30] in str(app.screen.query_one("#reg-consent-text").render())
        assert checkbox.region.y > before  # the text opened above the consent checkbox
        # What the officer sees on the checkbox's row: its label, drawn by the form.
        lines = form.render_lines(Region(0, 0, form.size.width, form.size.height))
        assert "Persetujuan data" in lines[checkbox.region.y - form.region.y].text


async def test_owner_without_workers_goes_straight_to_the_receipt(make_app, booth_store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_owner(pilot, nik=synthetic_nik(sex="F"), workers=0)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReceiptScreen))
        # Built by the save itself: the receipt and its QR are there as the screen opens.
        [(reference_no,)] = rows(booth_store, "SELECT reference_no FROM registrations")
        assert reference_no in str(app.screen.query_one("#receipt-text", Static).render())
        assert "█" in str(app.screen.query_one("#receipt-qr", Static).render())
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        assert app.screen.query_one("#reg-nik", Input).value == ""  # cleared under the receipt
