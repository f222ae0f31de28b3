"""No personal data on the kiosk, ever: every slide of the kiosk on a copy of the sample
file, rendered at both sizes on a day of its running event, searched for every name,
business name, NIK and phone the file holds (registrations, leads, officers)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Digits

from tests.kiosk.screen_text import screen_text

SAMPLE = Path(__file__).resolve().parents[2] / "sample.db"
IN_EVENT = datetime(2026, 11, 20, 7, 5, tzinfo=UTC)  # Pekan UMKM Sumsel 2026 is running


def personal_values(path: Path) -> tuple[set[str], set[str]]:
    """(names, numbers): every name-like and number-like personal value in the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = {row[0] for row in conn.execute(
            "SELECT full_name FROM registrations UNION SELECT business_name FROM registrations"
            " UNION SELECT full_name FROM leads UNION SELECT name FROM officers")}  # fmt: skip
        numbers = {row[0] for row in conn.execute(
            "SELECT nik FROM registrations UNION SELECT phone FROM registrations"
            " UNION SELECT phone FROM leads")}  # fmt: skip
    finally:
        conn.close()
    names = {n.strip() for n in names if n and n.strip()}
    numbers = {n for n in numbers if n}
    # phones are stored E.164: also as typed and shown (0812…)
    numbers |= {"0" + n.removeprefix("+62") for n in numbers if n.startswith("+62")}
    return names, numbers


def event_progress(path: Path, name: str) -> tuple[int, int]:
    """(owners registered at the event, its target), read from the file itself."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM registrations r WHERE r.event_id = e.id"
            " AND r.role = 'owner' AND r.voided_at IS NULL), e.target_registrations"
            " FROM events e WHERE e.name = ?", (name,)).fetchone()  # fmt: skip
    finally:
        conn.close()
    return int(row[0]), int(row[1])


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_no_name_or_nik_on_any_slide(make_kiosk, tmp_path, lang) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    names, numbers = personal_values(path)
    assert len(names) > 500 and len(numbers) > 1000  # the sample's people, not an empty set
    app = make_kiosk(path, lang=lang, utc_clock=lambda: IN_EVENT)
    screens = []
    for size in ((80, 24), (200, 56)):
        async with app.run_test(size=size) as pilot:
            for n in range(app.slide_count):
                app.show_slide(n)
                await pilot.pause()
                big = " ".join(d.value for d in app.query(Digits))
                screens.append(screen_text(app) + "\n" + big)
        app = make_kiosk(path, lang=lang, utc_clock=lambda: IN_EVENT)
    shown = "\n".join(screens)
    # What the kiosk shows is the sample's real day: its event and today's live counts.
    assert "Pekan UMKM Sumsel 2026" in shown
    owners, target = event_progress(path, "Pekan UMKM Sumsel 2026")
    assert owners > 0 and re.search(rf"{owners} (dari target|of the) {target}", shown)
    flat = re.sub(r"\s", "", shown)
    found = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", shown)]
    found += [n for n in numbers if n in flat]
    assert found == []
