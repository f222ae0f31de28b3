"""Snapshots of the passphrase screen of an encrypted file at 80×24: after a wrong
passphrase, and the recovery-code view (lost passphrase).

Regenerate after an intended visual change with
`pytest tests/snapshots/test_snapshots_unlock.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from outreach_tui.store import Store, crypto
from outreach_tui.tui.app import OutreachApp
from outreach_tui.tui.screens.unlock import UnlockScreen
from tests.conftest import TODAY
from tests.tui.conftest import settle, wait_until


@pytest.fixture
def app(
    booth_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OutreachApp]:
    monkeypatch.setitem(crypto.SCRYPT, "n", 2**10)
    monkeypatch.setenv("OUTREACH_RUNTIME_DIR", str(tmp_path / "run"))
    booth_store.crypto.enable("kopi susu gula aren")
    with Store(booth_store.path) as reopened:  # as the next `outreach` opens it: locked
        yield OutreachApp(reopened, ask_start_of_day=False, today=lambda: TODAY)


async def no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    for text_input in pilot.app.screen.query(Input):
        text_input.cursor_blink = False  # a blinking cursor makes pictures differ
    await pilot.pause()


def test_unlock_after_a_wrong_passphrase(snap_compare, app) -> None:  # type: ignore[no-untyped-def]
    async def wrong(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, UnlockScreen))
        await settle(pilot)
        await pilot.press(*"teh manis", "enter")
        await wait_until(pilot, lambda: not pilot.app.screen.checking)
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=wrong)


def test_unlock_with_the_recovery_code(snap_compare, app) -> None:  # type: ignore[no-untyped-def]
    async def recovery(pilot) -> None:  # type: ignore[no-untyped-def]
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, UnlockScreen))
        await settle(pilot)
        await pilot.press("ctrl+r", *"ABCD-EFGH", "enter", *"teh tarik pakai es", "enter")
        await no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=recovery)
