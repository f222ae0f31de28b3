"""The TUI opens on a real file, shows the booth status, and quits on ctrl+q."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Static

from outreach_tui.domain.consent import current
from outreach_tui.domain.models import RegistrationDraft
from outreach_tui.domain.validation import validate_registration
from outreach_tui.store import Store
from outreach_tui.store.setup import EventTargets
from outreach_tui.tui.app import OutreachApp


def booth_store(path: Path) -> Store:
    store = Store(path)
    store.setup.upsert_branch("PLG", "Palembang", "Palembang")
    store.setup.upsert_officer("PLG-01", "Rina Marlina", "PLG")
    event_id = store.setup.create_event(
        code="EXPO", name="Pekan UMKM Sumsel", starts_on=date(2026, 11, 16),
        ends_on=date(2026, 11, 29), targets=EventTargets(registrations=100),
    )  # fmt: skip
    store.settings.set("officer_code", "PLG-01")
    store.settings.set("event_id", event_id)
    draft = RegistrationDraft(
        nik="1671014512900001", full_name="Siti Aminah", phone="081234567890",
        address="Jl. Merdeka 5", sector="kuliner", declared_income="1000000",
        consent_version=current().version,
    )  # fmt: skip
    record = validate_registration(draft, today=date.today()).record
    assert record is not None
    store.registrations.save(record, officer_code="PLG-01", event_id=event_id)
    return store


async def test_home_shows_officer_event_and_counts(tmp_path: Path) -> None:
    store = booth_store(tmp_path / "booth.db")
    app = OutreachApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.query_one("#booth-status", Static).render())
        assert "Petugas: PLG-01" in status
        assert "Pekan UMKM Sumsel" in status
        assert "Hari ini: 1 pemilik" in status
        assert "Menunggu sinkron: 1" in status
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    store.close()


async def test_unset_booth_asks_for_init_in_english(tmp_path: Path) -> None:
    store = Store(tmp_path / "empty.db")
    app = OutreachApp(store, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.query_one("#booth-status", Static).render())
        assert "outreach init" in status
    store.close()
