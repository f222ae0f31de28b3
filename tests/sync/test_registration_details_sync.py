"""A 2-month advance payment and the core system's registration fields, typed in the real
booth (Pilot), saved in the laptop's file, synced to the real hub (SQLite and PostgreSQL)
and found on both sides, in the hub's export too.

Source: shared/reference/bpjstk-bpu.md, "Corrections and additions (audit of December
2026)": "Advance payment: 1, 2, 3, 6 or 12 months" (the JMO app's periods), and issue 20's
"registration fields the core system needs" (occupation from a code list, work location,
working hours, postal code, branch code, declared-income band).
"""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input

from outreach_tui.hub.tallies import export_rows
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.receipt import ReceiptScreen
from outreach_tui.tui.widgets.choice import Choice
from tests.conftest import TODAY, synthetic_nik
from tests.sync.helpers import Hub, laptop_sync, rows

pytestmark = pytest.mark.e2e

# What the officer types, field by field in the form's order ("" is passed with Tab).
NIK = synthetic_nik(sex="F")
TYPED = {"full_name": "Siti Aminah", "birth_date": "", "birth_place": "", "phone":
         "081234567890", "email": "", "address": "Jl. Merdeka No. 5, Palembang",
         "business_name": "Pempek Cek Siti", "workers_count": "0",
         "declared_income": "1500000"}  # fmt: skip
EXPECTED = {
    "payment_months": 2,
    "occupation": "84",  # kuliner's usual occupation (data/occupations.toml): no key pressed
    "income_band": "bpu-band-declared",  # the band of Rp1,500,000: no key pressed
    "branch_code": "PLG",  # the laptop's branch (tests/conftest.py's event): no key pressed
    "postal_code": "30126",
    "work_location": "Pasar 16 Ilir, Palembang",
    "working_hours": "08:00-17:00",  # typed "08-17"
}


async def type_registration(store: Store) -> None:
    app = OutreachApp(store, ask_start_of_day=False, today=lambda: TODAY)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(200):
            if app.screen.id == "registration":
                break
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        keys: list[str] = list(NIK)  # a complete NIK moves on by itself
        for value in TYPED.values():
            keys += [*value, "tab"]
        # sector by type-ahead (Kurir, then Kuliner); the period: "2 bulan"; past JHT and
        # the consent text; consent ticked.
        keys += ["k", "k", "tab", "2", "tab", "tab", "tab", "space"]
        # past the reminder's own text and tick (a separate consent), APBN/APBD, the band and
        # the occupation
        keys += ["tab"] * 6 + [*"30126", "tab", *EXPECTED["work_location"], "tab"]
        keys += [*"08-17", "ctrl+s"]
        await pilot.press(*keys)
        form = app.screen
        for _ in range(300):
            if isinstance(app.screen, ReceiptScreen):
                break
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
        else:
            state = {w.id: w.value for w in form.query(Input)}
            choices = {c.id: c.selection for c in form.query(Choice)}
            raise AssertionError(f"no receipt: {state} {choices}")


def test_two_months_and_the_details_reach_the_hub(booth_store: Store, hub: Hub) -> None:
    import asyncio

    asyncio.run(type_registration(booth_store))
    local = rows(booth_store.path, "SELECT * FROM registrations")
    assert len(local) == 1
    saved = local[0]
    assert {k: saved[k] for k in EXPECTED} == EXPECTED
    assert saved["declared_income"] == 1_500_000  # the typed amount stays (the explainer's)

    report = laptop_sync(booth_store.path, hub, hub.token())
    assert report.counts["accepted"] == 1, report
    with hub.storage.read() as tx:
        found = tx.all("SELECT data FROM records WHERE uuid = ?", (saved["uuid"],))
    assert len(found) == 1
    data = json.loads(found[0]["data"])
    assert {k: data[k] for k in EXPECTED} == EXPECTED
    exported = [r for r in export_rows(hub.storage) if r["uuid"] == saved["uuid"]]
    assert [(r["occupation"], r["income_band"], r["branch_code"], r["postal_code"],
             r["working_hours"]) for r in exported] == [
        ("84", "bpu-band-declared", "PLG", "30126", "08:00-17:00")
    ]  # fmt: skip
    assert rows(booth_store.path, "SELECT sync_state FROM registrations") == [
        {"sync_state": "synced"}
    ]
