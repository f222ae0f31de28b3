"""Issue 18 at the booth: the core system's answers, as the sync downlink stores them, on
the records screen ("Aktif · KPJ …", "Belum bayar", the refusal) and the payment-reminder
list of the call-back list (F4, F9, F8): registered, not paid yet, reminder consent given,
with a prefilled WhatsApp reminder."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from textual.widgets import DataTable, Static

from outreach_tui.domain import consent
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.tui.screens.callbacks import CallbackScreen
from outreach_tui.tui.screens.unpaid import UnpaidScreen
from tests.tui.conftest import settle, wait_until

REMINDER = consent.current("reminder").version
AT = "2026-12-07T03:00:00.000Z"


def _synced(store: Store) -> None:
    """What the hub's receipts leave on the laptop: every record acknowledged."""
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE registrations SET sync_state = 'synced', base_version = version,"
                     " synced_at = ?", [AT])  # fmt: skip


def _answers(store: Store, outcomes: list[dict[str, Any]]) -> None:
    """A downlink page carrying the core system's answers, applied as a sync applies it."""
    SyncQueue(store.database, store.device_id).apply_downlink(
        {"cursor": "7", "activation_outcomes": outcomes}, hub_id="hub-1"
    )


def _text(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_records_screen_and_the_reminder_list_show_the_answers(
    make_app, booth_store: Store, register: Callable[..., Any]
) -> None:
    siti = register(full_name="Siti Aminah", reminder_consent_version=REMINDER,
                    phone="0812-3456-7890").owner.uuid  # fmt: skip
    budi = register(full_name="Budi Santoso").owner.uuid
    citra = register(full_name="Citra Dewi").owner.uuid
    register(full_name="Dodi Belum Dijawab")
    _synced(booth_store)
    _answers(booth_store, [
        {"uuid": siti, "status": "enrolled", "kpj": "26000000001", "enrolled_on": "2026-12-01",
         "updated_at": AT},
        {"uuid": budi, "status": "enrolled", "kpj": "26000000002", "enrolled_on": "2026-12-01",
         "first_paid_month": "2026-12", "last_paid_month": "2026-12", "updated_at": AT},
        {"uuid": citra, "status": "refused", "refusal_reason": "data tidak sesuai Dukcapil",
         "updated_at": AT},
    ])  # fmt: skip
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f5", "f8")  # every day
        await settle(pilot)
        table = app.screen.query_one("#records-table", DataTable)
        shown = {" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)}
        by_name = {next(n for n in ("Siti", "Budi", "Citra", "Dodi") if n in row): row
                   for row in shown}  # fmt: skip
        assert "Belum bayar" in by_name["Siti"] and "Aktif" in by_name["Budi"]
        assert "Ditolak" in by_name["Citra"] and "terkirim" in by_name["Dodi"]
        for _ in range(table.row_count):
            if "Budi" in " ".join(str(c) for c in table.get_row_at(table.cursor_row)):
                break
            await pilot.press("down")
            await settle(pilot)
        assert "Aktif · KPJ 26000000002" in _text(app, "#records-page")

        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, CallbackScreen))
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, UnpaidScreen))
        await settle(pilot)
        assert "Terdaftar, belum bayar (setuju diingatkan): 1" in _text(app, "#unpaid-title")
        rows = app.screen.query_one("#unpaid-table", DataTable)
        assert rows.row_count == 1 and "Siti Aminah" in str(rows.get_row_at(0)[0])
        detail = _text(app, "#unpaid-detail")
        assert "wa.me/6281234567890" in detail and "KPJ 26000000001" in detail
        await pilot.press("ctrl+y")
        assert app.clipboard.startswith("https://wa.me/6281234567890?text=Halo%20Siti")
