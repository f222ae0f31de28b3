"""Opening the booth TUI (the only CLI module that imports Textual, lazily)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from outreach_tui.config import Settings

if TYPE_CHECKING:
    from outreach_tui.store import Store
    from outreach_tui.tui.app import OutreachApp


def booth_app(settings: Settings, store: Store) -> OutreachApp:
    """The booth on ``store`` with the settings that apply to it (file < env < flags)."""
    from outreach_tui.tui.app import OutreachApp

    return OutreachApp(
        store,
        language=settings.language,
        auto_purge=settings.auto_purge,
        retention_days=settings.retention_days,
        idle_lock_minutes=settings.idle_lock_minutes,
    )


def open_tui(settings: Settings) -> None:
    from outreach_tui.cli.output import require_terminal
    from outreach_tui.store import Store

    require_terminal("outreach", settings.language)  # before the file is opened or made

    store = Store(settings.db)
    try:
        booth_app(settings, store).run()  # an encrypted file: the booth asks the passphrase
    finally:
        store.close()
