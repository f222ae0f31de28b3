"""Snapshots of the supervisor dashboard at 80×24 and 120×40.

Fixed data (tests/reports/seed.py: fixed instants, two officers, event and branch
targets), a fixed booth day, a fixed "updated at" clock and time zone (WIB); the 30 s
timer never fires within a snapshot. The laptop's dashboard (F6 from the booth) at both
sizes, a hub's (`outreach dashboard --hub-db`) at 120×40.
Regenerate after an intended visual change with `pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input

from outreach_tui.hub.bundle import import_bundle
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import HubTallies, set_branch_targets
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.hub_dashboard import HubDashboardApp
from outreach_tui.tui.screens import dashboard
from outreach_tui.tui.screens.dashboard import DashboardScreen
from tests.reports import seed

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    time.tzset()
    monkeypatch.setattr(dashboard, "local_now", lambda *_: datetime(2026, 11, 23, 14, 5, 9))
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Store]:
    seeded = seed.build_laptop(tmp_path / "laptop.db")
    with Store(seeded.path, create=False) as store:
        yield store


async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, DashboardScreen) and screen.data and not screen.busy:
            break
    for text_input in pilot.app.screen.query(Input):
        text_input.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_laptop_dashboard(snap_compare, laptop, size) -> None:  # type: ignore[no-untyped-def]
    app = OutreachApp(laptop, ask_start_of_day=False, today=lambda: seed.TODAY)

    async def open_dashboard(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.app.workers.wait_for_complete()
        await pilot.press("f6")
        await loaded(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_dashboard)


@pytest.fixture
def hub(laptop: Store, tmp_path: Path) -> Iterator[HubTallies]:
    bundle = SyncQueue(laptop.database, laptop.device_id).export_bundle()
    path = tmp_path / "seed.bundle"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with open_storage(str(tmp_path / "hub.db")) as storage:
        import_bundle(storage, path)
        set_branch_targets(storage, "PLG", {"name": "Kantor Cabang Palembang", "target_year": 2026,
                                            "target_new_employers": 10, "target_informal": 20},
                           actor="test")  # fmt: skip
        yield HubTallies(storage)


def test_hub_dashboard(snap_compare, hub) -> None:  # type: ignore[no-untyped-def]
    app = HubDashboardApp(hub, "/srv/outreach/hub.db", today=lambda: seed.TODAY)
    assert snap_compare(app, terminal_size=(120, 40), run_before=loaded)
