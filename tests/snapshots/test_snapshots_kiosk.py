"""Snapshots of every kiosk slide at 80×24 (a laptop terminal) and 200×56 (a 1080p TV),
and the pause indicator.

Fixed data (tests/reports/seed.py), a fixed clock (14:05 WIB on the seed's booth day);
the slide and refresh timers are an hour long, so nothing moves within a snapshot.
Regenerate after an intended visual change with `pytest tests/snapshots --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_tui.store.kiosk import KioskReader
from outreach_tui.tui.kiosk.app import KioskApp
from outreach_tui.tui.kiosk.deck import load_deck
from tests.kiosk.conftest import FIXED_NOW
from tests.reports import seed

SIZES = [(80, 24), (200, 56)]
SLIDES = ["about", "contribution", "family", "today", "payment"]


@pytest.fixture
def booth_file(tmp_path: Path) -> Path:
    return seed.build_laptop(tmp_path / "booth.db").path


def kiosk(path: Path, slide: int) -> KioskApp:
    return KioskApp(KioskReader(path), deck=load_deck("id"), seconds=3600,
                    refresh_seconds=3600, utc_clock=lambda: FIXED_NOW,
                    first_slide=slide)  # fmt: skip


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "200x56"])
@pytest.mark.parametrize("slide", SLIDES)
def test_kiosk_slide(snap_compare, booth_file, slide, size) -> None:  # type: ignore[no-untyped-def]
    assert load_deck("id").slides[SLIDES.index(slide)].kind == slide
    assert snap_compare(kiosk(booth_file, SLIDES.index(slide)), terminal_size=size)


def test_kiosk_paused(snap_compare, booth_file) -> None:  # type: ignore[no-untyped-def]
    async def pause(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(kiosk(booth_file, 3), terminal_size=(80, 24), run_before=pause)
