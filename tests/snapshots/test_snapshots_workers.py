"""Snapshots of the workers' table at 80×24 and 120×40 (fixed clock, fixed data): headings,
the whole 16-digit NIK, what the NIK says under each row, a household error and a ticked
box that looks ticked.

Regenerate after an intended visual change with
`pytest tests/snapshots --snapshot-update` and review the SVGs in the report.
"""

from __future__ import annotations

from datetime import date

import pytest

from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.workers import WorkersScreen
from tests.conftest import TODAY, synthetic_nik
from tests.snapshots.test_snapshots_registration import settle

SIZES = [(80, 24), (120, 40)]
OWNER_NIK = synthetic_nik(sex="F", birth=date(1985, 4, 17), serial=7001)
WORKER_NIK = synthetic_nik(sex="M", birth=date(1998, 3, 14), serial=7002)


@pytest.fixture
def app(booth_store) -> OutreachApp:  # type: ignore[no-untyped-def]
    return OutreachApp(booth_store, ask_start_of_day=False, today=lambda: TODAY)


@pytest.mark.parametrize("size", SIZES)
def test_workers_table(snap_compare, app, register, size) -> None:  # type: ignore[no-untyped-def]
    owner = register(workers=0, nik=OWNER_NIK, full_name="Siti Aminah").owner

    async def fill_rows(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        pilot.app.push_screen(WorkersScreen(owner_uuid=owner.uuid, count=3, sector="kuliner",
                                            payment_months=1))  # fmt: skip
        await settle(pilot)
        for index, (nik, name) in enumerate(
            [(WORKER_NIK, "Budi Santoso"), (OWNER_NIK, "Rudi Hartono")]
        ):
            pilot.app.screen.query_one(f"#worker-{index}-nik").focus()
            await pilot.press(*nik)
            pilot.app.screen.query_one(f"#worker-{index}-full-name").focus()
            await pilot.press(*name)
            pilot.app.screen.query_one(f"#worker-{index}-declared-income").focus()
            await pilot.press(*"1.500.000")
        pilot.app.screen.query_one("#worker-0-consent").focus()
        await pilot.press("space")  # the dialog addressed to the worker (issue 20) ...
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+s")  # ... and their own yes
        await pilot.pause()
        pilot.app.screen.query_one("#worker-2-nik").focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=fill_rows)
