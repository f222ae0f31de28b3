"""Placeholder: being built (issue 4)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Static

from outreach_tui.tui.screens.base import BoothScreen
from outreach_tui.tui.widgets.booth_header import BoothHeader


class RecordsScreen(BoothScreen):
    def __init__(self) -> None:
        super().__init__(id="records")

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.language)
        yield Static("…")
        yield Footer()
