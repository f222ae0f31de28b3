"""Pilot helpers: the real booth app on a real temp database, with a fixed booth day."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from outreach_tui.store import Store
from outreach_tui.tui.app import OutreachApp
from tests.conftest import TODAY


@pytest.fixture
def make_app(booth_store: Store) -> Callable[..., OutreachApp]:
    def _make(**kwargs: object) -> OutreachApp:
        options = {"ask_start_of_day": False, "today": lambda: TODAY, **kwargs}
        return OutreachApp(booth_store, **options)  # type: ignore[arg-type]

    return _make


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for every worker (saves, queries) and the messages they post."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot, predicate, *, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Pause until `predicate()` holds: screen pushes and worker replies can lag on a
    loaded machine, and a fixed number of pauses is not enough there."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout}s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
