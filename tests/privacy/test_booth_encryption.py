"""The booth on an encrypted file (issue 8): the start-up purge waits for the passphrase,
and the `--idle-lock-minutes` flag of the bare `outreach` reaches the booth (file < env <
flag)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from outreach_tui.cli.dashboard_cmd import dashboard_app
from outreach_tui.cli.main import app as cli_app
from outreach_tui.cli.tui_cmd import booth_app
from outreach_tui.config import Settings
from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.registration import RegistrationScreen
from outreach_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import OFFICER, TODAY
from tests.privacy.conftest import rows, run
from tests.tui.conftest import settle, wait_until

PASS = "kopi susu gula aren"


async def test_the_start_up_purge_waits_for_the_passphrase(
    store: Store, event_id: str, person: Callable[..., dict[str, Any]], acknowledge: Callable
) -> None:
    store.settings.set("officer_code", OFFICER)
    store.settings.set("event_id", event_id)
    old = person("Purnama Sari Dewi")
    acknowledge(days_ago=8)
    store.crypto.enable(PASS)
    with Store(store.path) as reopened:  # the next start of `outreach`: locked
        app = OutreachApp(reopened, ask_start_of_day=False, today=lambda: TODAY, auto_purge=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, UnlockScreen))
            await settle(pilot)
            purged = rows(store.path, "SELECT purged_at FROM registrations WHERE uuid = ?",
                          (old["uuid"],))  # fmt: skip
            assert purged == [{"purged_at": None}] and not app._notifications
            await pilot.press(*PASS, "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, RegistrationScreen))
            await wait_until(pilot, lambda: any(
                "Minimisasi data: 1 pendaftaran" in n.message for n in app._notifications
            ))  # fmt: skip
    after = rows(store.path, "SELECT purged_at, full_name FROM registrations WHERE uuid = ?",
                 (old["uuid"],))[0]  # fmt: skip
    assert after["purged_at"] is not None and after["full_name"] == "—"


def settings_of(*args: str) -> Settings:
    """The settings the bare `outreach` callback builds from these arguments (a pure
    subcommand runs after it, so no TUI opens)."""
    command = typer.main.get_command(cli_app)
    with command.make_context("outreach", [*args, "nik", "1671014512900001"]) as ctx:
        command.invoke(ctx)
        settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def test_idle_lock_minutes_flag_wins_and_reaches_the_booth(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    (isolated / "config.toml").write_text("idle_lock_minutes = 10\n")
    assert settings_of().idle_lock_minutes == 10
    monkeypatch.setenv("OUTREACH_IDLE_LOCK_MINUTES", "7")
    assert settings_of().idle_lock_minutes == 7
    settings = settings_of("--db", str(db_path), "--idle-lock-minutes", "0")
    assert settings.idle_lock_minutes == 0
    with Store(db_path) as store:
        assert booth_app(settings, store).idle_lock_minutes == 0
    # The supervisor dashboard on the laptop's file is the same app with the same lock.
    with dashboard_app(settings_of("--db", str(db_path), "--idle-lock-minutes", "3")) as app:
        assert app.idle_lock_minutes == 3


def test_a_bad_idle_lock_minutes_is_a_usage_error(isolated: Path) -> None:
    result = run("--idle-lock-minutes", "2000")
    assert result.exit_code == 2
    assert "--idle-lock-minutes" in result.output
