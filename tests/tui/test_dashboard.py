"""The supervisor dashboard, driven with Pilot on real files: an officer's laptop file
(F6 from the booth) and a hub database opened the way `outreach dashboard --hub-db` does.

Figures are the hand-computed ones of tests/reports/seed.py on its booth day (23 November
2026): today 2 owners + 1 worker, 2 leads (1 converted), 10 records waiting for sync;
per officer PLG-01 1/1/2 today and 5 registrations over the event, PLG-02 1/0/0 and 1.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from outreach_tui.cli.dashboard_cmd import dashboard_app
from outreach_tui.config import Settings
from outreach_tui.hub.bundle import import_bundle
from outreach_tui.hub.storage import open_storage
from outreach_tui.hub.tallies import set_branch_targets
from outreach_tui.store import Store
from outreach_tui.store.outbox import SyncQueue
from outreach_tui.store.tallies import LaptopTallies
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens import dashboard
from outreach_tui.tui.screens.dashboard import DashboardScreen
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.widgets import dashboard_parts as parts
from tests.conftest import owner_draft, validated
from tests.reports import seed
from tests.support.postgres import pg_cluster, pg_url  # noqa: F401 - fixtures
from tests.tui.conftest import wait_until

WIDE = (120, 40)


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Store]:
    seeded = seed.build_laptop(tmp_path / "laptop.db")
    with Store(seeded.path, create=False) as store:
        yield store


def booth(store: Store, **options: Any) -> OutreachApp:
    return OutreachApp(store, ask_start_of_day=False, today=lambda: seed.TODAY, **options)


def plain(widget: Static) -> str:
    return str(widget.content)


def tiles(app: OutreachApp) -> dict[str, str]:
    return {key: plain(app.screen.query_one(f"#dash-tile-{key}", Static))
            for key in dashboard.TILES}  # fmt: skip


def status(app: OutreachApp) -> str:
    return plain(app.screen.query_one("#dash-status", Static))


def officer_rows(app: OutreachApp) -> list[list[str]]:
    table = app.screen.query_one("#dash-officers", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def loaded(app: OutreachApp) -> bool:
    screen = app.screen
    return isinstance(screen, DashboardScreen) and screen.data is not None and not screen.busy


def save_owner_today(store: Store, at: str = "2026-11-23T07:00:00.000Z") -> None:
    """One more owner registered at the booth, stamped on the booth day."""
    event = store.setup.event(seed.EVENT)
    assert event is not None
    saved = store.registrations.save(validated(owner_draft(workers_count=0)), [],
                                     officer_code="PLG-01", event_id=event["id"])  # fmt: skip
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE registrations SET created_at = ? WHERE uuid = ?",
                     (at, saved.owner.uuid))  # fmt: skip


# -- on the laptop's own file ----------------------------------------------------------------


async def test_f6_opens_the_dashboard_with_todays_exact_counts(laptop: Store) -> None:
    app = booth(laptop)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, RegistrationScreen)  # the form stays the default
        await pilot.press("f6")
        await wait_until(pilot, lambda: loaded(app))
        shown = tiles(app)
        assert shown["registrations"].splitlines() == ["3", "2 pemilik"]
        assert shown["workers"].splitlines() == ["1", "0,5 per pemilik"]
        assert shown["leads"].splitlines() == ["2", "1 jadi peserta"]
        assert shown["pending"].splitlines() == ["10", "menunggu dikirim"]
        assert status(app).startswith("Hari ini Sen 23-11-2026 · diperbarui ")
        daily = app.screen.query_one("#dash-daily", Static)
        assert daily.border_title == "Pendaftaran per hari · Expo UMKM Palembang"
        # 80 columns: the first officer columns that fit; the total row last.
        assert officer_rows(app) == [
            ["PLG-01", "Rina Marlina", "1", "1", "2", "5"],
            ["PLG-02", "Dedi Kurniawan", "1", "0", "0", "1"],
            ["Total", "", "2", "1", "2", "6"],
        ]
        await pilot.press("f2")  # and back to the booth
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))


async def test_reload_key_picks_up_a_new_registration(laptop: Store) -> None:
    app = booth(laptop, initial_mode="dashboard")
    async with app.run_test(size=WIDE) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        assert tiles(app)["registrations"].startswith("3\n")
        save_owner_today(laptop)
        await pilot.press("f8")
        await wait_until(pilot, lambda: loaded(app) and tiles(app)["registrations"][0] == "4")
        assert tiles(app)["pending"].startswith("11\n")
        assert officer_rows(app)[0][:6] == ["PLG-01", "Rina Marlina", "2", "1", "2", "6"]


async def test_the_timer_reloads_while_the_dashboard_is_shown(
    laptop: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "REFRESH_SECONDS", 0.2)  # 30 s in real life
    app = booth(laptop, initial_mode="dashboard")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        save_owner_today(laptop)  # nobody presses anything
        await wait_until(pilot, lambda: tiles(app)["registrations"][0] == "4")
        await pilot.press("f2")  # another mode: the timer rests
        await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
        (screen,) = app.get_screen_stack("dashboard")
        assert isinstance(screen, DashboardScreen)
        save_owner_today(laptop, at="2026-11-23T08:00:00.000Z")
        await pilot.pause(0.6)
        assert screen.data is not None and screen.data.today.owners == 3  # not reloaded
        await pilot.press("f6")  # shown again: fresh figures at once
        await wait_until(pilot, lambda: loaded(app) and tiles(app)["registrations"][0] == "5")


class GatedSource:
    """The laptop's tallies, each read held until the test opens the gate."""

    def __init__(self, inner: LaptopTallies) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def facts(self, *args: Any, **kwargs: Any) -> Any:
        self.waiting.set()
        assert self.gate.wait(20), "the test never opened the gate"
        return self.inner.facts(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_the_app_stays_responsive_while_a_refresh_runs(laptop: Store) -> None:
    source = GatedSource(LaptopTallies(laptop.database))
    app = booth(laptop, initial_mode="dashboard", dashboard_source=source)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):  # no wait_until here: it waits for the (held) workers
            if source.waiting.is_set():
                break
            await pilot.pause(0.05)
        assert source.waiting.is_set()
        assert status(app) == "Memuat data dasbor…"
        # The read is stuck in its thread; keys still work: open the form and type.
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, RegistrationScreen)
        await pilot.press(*"1671")
        assert app.screen.query_one("#reg-nik", Input).value.replace(" ", "") == "1671"
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and app.screen.data is None
        source.gate.set()
        await wait_until(pilot, lambda: loaded(app))
        assert tiles(app)["registrations"].startswith("3\n")


class FlakySource(GatedSource):
    def __init__(self, inner: LaptopTallies) -> None:
        super().__init__(inner)
        self.gate.set()
        self.broken = False

    def facts(self, *args: Any, **kwargs: Any) -> Any:
        if self.broken:
            raise sqlite3.OperationalError("database is locked")
        return super().facts(*args, **kwargs)


async def test_a_failed_refresh_is_one_line_and_keeps_the_last_figures(laptop: Store) -> None:
    source = FlakySource(LaptopTallies(laptop.database))
    app = booth(laptop, initial_mode="dashboard", dashboard_source=source)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: loaded(app))
        source.broken = True
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.screen.error is not None)
        line = status(app)
        assert line.startswith("Gagal memuat: database is locked · data terakhir ")
        assert "\n" not in line
        assert tiles(app)["registrations"].startswith("3\n")  # still the last figures
        source.broken = False
        await pilot.press("f8")
        await wait_until(pilot, lambda: loaded(app) and app.screen.error is None)
        assert status(app).startswith("Hari ini ")


# -- on a hub database, through the command's own app factory -------------------------------


def fill_hub(url: str, tmp_path: Path) -> str:
    seeded = seed.build_laptop(tmp_path / "officer.db")
    with Store(seeded.path, create=False) as store:
        bundle = SyncQueue(store.database, store.device_id).export_bundle()
    assert bundle is not None
    path = tmp_path / "seed.bundle"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    with open_storage(url) as storage:
        receipt = import_bundle(storage, path)
        assert {r["outcome"] for r in receipt["results"]} == {"accepted"}
        set_branch_targets(storage, "PLG", {"name": "Kantor Cabang Palembang", "target_year": 2026,
                                            "target_new_employers": 10, "target_informal": 20},
                           actor="test")  # fmt: skip
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def hub_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return fill_hub(request.getfixturevalue("pg_url"), tmp_path)
    return fill_hub(str(tmp_path / "hub.db"), tmp_path)


async def test_hub_dashboard_shows_one_row_per_officer(hub_url: str, tmp_path: Path) -> None:
    settings = Settings(db=tmp_path / "no-laptop.db", language="id")
    with dashboard_app(settings, hub_db=hub_url, today=lambda: seed.TODAY) as app:
        async with app.run_test(size=WIDE) as pilot:
            await wait_until(pilot, lambda: loaded(app))
            # The bundle names only the officer who sent it: the hub knows PLG-02 by code.
            assert officer_rows(app) == [
                ["PLG-01", "Rina Marlina", "1", "1", "2", "5", "Rp72.500", "2"],
                ["PLG-02", "", "1", "0", "0", "1", "Rp65.900", "1"],
                ["Total", "", "2", "1", "2", "6", "Rp138.400", "3"],
            ]
            shown = tiles(app)
            assert shown["registrations"].splitlines() == ["3", "2 pemilik"]
            assert shown["pending"].splitlines() == ["—", "hanya di laptop"]
            header = plain(app.screen.query_one("#dash-hub-header", Static))
            assert header.startswith("outreach · Dasbor hub · ")
            # No officer's file here: the booth modes are off, the dashboard stays.
            await pilot.press("f2", "f5", "ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
    assert not (tmp_path / "no-laptop.db").exists()  # a hub dashboard makes no laptop file


# -- the panels' pure parts -------------------------------------------------------------------


def test_officer_columns_fit_the_terminal() -> None:
    narrow = [c.key for c, _ in parts.fit_officer_columns(80 - dashboard.TABLE_CHROME)]
    assert narrow == ["officer", "name", "today_owners", "today_workers", "today_leads",
                      "event_registrations"]  # fmt: skip
    wide = parts.fit_officer_columns(120 - dashboard.TABLE_CHROME)
    assert [c.key for c, _ in wide] == [c.key for c in parts.OFFICER_COLUMNS]
    assert dict((c.key, w) for c, w in wide)["name"] == parts.NAME_WIDTH[1]


def test_a_long_event_shows_the_fourteen_days_up_to_today() -> None:
    from outreach_tui.reports.dashboard import DayPoint
    from outreach_tui.reports.tally import Metrics

    days = [DayPoint(date(2026, 6, 1 + i), Metrics()) for i in range(30)]
    shown = parts.shown_days(days, date(2026, 6, 20))
    assert (shown[0].day, shown[-1].day) == (date(2026, 6, 7), date(2026, 6, 20))
    early = parts.shown_days(days, date(2026, 6, 3))  # early on: the event's first 14 days
    assert (early[0].day, early[-1].day) == (date(2026, 6, 1), date(2026, 6, 14))
    assert parts.shown_days(days[:5], date(2026, 6, 3)) == tuple(days[:5])


def test_cli_refuses_a_missing_hub_database_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from outreach_tui.cli.main import app

    missing = tmp_path.resolve() / "missing.db"
    result = CliRunner().invoke(app, ["--lang", "id", "dashboard", "--hub-db", str(missing)])
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines == [f"outreach: Database hub tidak ada: {missing} (jalankan 'outreach hub "
                     "enroll' atau 'outreach hub serve' dulu)."]  # fmt: skip
    assert not missing.exists()


async def test_hub_dashboard_shows_the_funnel_after_a_hand_off(
    hub_url: str, tmp_path: Path
) -> None:
    """Issue 18: once registrations were handed off, the hub dashboard charts the funnel
    (leads → … → still paying) with each step's conversion."""
    import io

    from rich.console import Console

    from outreach_tui.domain.handoff_mapping import load_handoff_mapping
    from outreach_tui.hub.handoff import hand_off

    with open_storage(hub_url) as storage:
        hand_off(storage, load_handoff_mapping(), tmp_path / "h.csv", fmt="csv")
    settings = Settings(db=tmp_path / "no-laptop.db", language="en")
    with dashboard_app(settings, hub_db=hub_url, today=lambda: seed.TODAY) as app:
        async with app.run_test(size=WIDE) as pilot:
            await wait_until(pilot, lambda: loaded(app))
            widget = app.screen.query_one("#dash-targets", Static)
            console = Console(width=widget.content_size.width, file=io.StringIO(),
                              color_system=None)  # fmt: skip
            console.print(widget.content)  # as drawn at the panel's width
            panel = console.file.getvalue()
    assert "Funnel" in panel and "handed off" in panel and "still paying" in panel
    assert "handed off 100,0%" in panel  # every registration of the seed was handed off
