"""The booth file the tmux tests start from: one officer signed in at an event running
today in Surakarta (shared by the terminal, draft-crash and kiosk tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from outreach_tui.store import Store


def booth_file(folder: Path) -> Path:
    db = folder / "booth.db"
    with Store(db) as store:
        store.setup.upsert_branch("SKA", "Surakarta", "Surakarta")
        store.setup.upsert_officer("SKA-02", "Bambang Wijaya", "SKA")
        today = date.today()
        event_id = store.setup.create_event(
            code="UMKM-SOLO", name="Sosialisasi BPU UMKM Surakarta", starts_on=today,
            ends_on=today, city="Surakarta", branch_code="SKA",
        )  # fmt: skip
        store.settings.set("officer_code", "SKA-02")
        store.settings.set("event_id", event_id)
    return db
