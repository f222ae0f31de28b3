"""The kiosk on a real booth file: read-only reader, real slides, a fixed clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Digits

from outreach_tui.store.kiosk import KioskReader
from outreach_tui.tui.kiosk.app import KioskApp
from outreach_tui.tui.kiosk.deck import load_deck
from tests.reports import seed

# 14:05 WIB on the seed's booth day (tests/reports/seed.py: 2 owners and 1 worker live
# that day at EXPO-PLG-2026-11, 3 owners of a target of 5 over the event).
FIXED_NOW = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)


@pytest.fixture
def seeded_path(tmp_path: Path) -> Path:
    return seed.build_laptop(tmp_path / "booth.db").path


@pytest.fixture
def make_kiosk() -> Callable[..., KioskApp]:
    def _make(
        path: Path,
        *,
        lang: str = "id",
        event: str | None = None,
        slides: Path | None = None,
        **options: object,
    ) -> KioskApp:
        settings: dict[str, object] = {
            "seconds": 3600,
            "refresh_seconds": 3600,
            "utc_clock": lambda: FIXED_NOW,
            **options,
        }
        return KioskApp(
            KioskReader(path, event_code=event), deck=load_deck(lang, slides), **settings
        )  # type: ignore[arg-type]

    return _make


def digits(app: KioskApp, selector: str) -> str:
    return app.query_one(selector, Digits).value


async def wait_until(pilot, predicate, *, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Pause until ``predicate()`` holds (workers and timers lag on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout}s")
        await pilot.pause(0.05)
