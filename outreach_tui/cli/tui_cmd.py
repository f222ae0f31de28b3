"""Opening the booth TUI (the only CLI module that imports Textual, lazily)."""

from __future__ import annotations

from outreach_tui.config import Settings


def open_tui(settings: Settings) -> None:
    from outreach_tui.store import Store
    from outreach_tui.tui.app import OutreachApp

    store = Store(settings.db)
    try:
        OutreachApp(
            store,
            language=settings.language,
            auto_purge=settings.auto_purge,
            retention_days=settings.retention_days,
            idle_lock_minutes=settings.idle_lock_minutes,
        ).run()
    finally:
        store.close()
