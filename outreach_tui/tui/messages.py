"""Messages workers post back to the UI thread (past tense: something happened)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from outreach_tui.store import StoreSummary


@dataclass
class BoothStatusLoaded(Message):
    officer: str | None
    event: str | None
    today_owners: int
    today_workers: int
    summary: StoreSummary
