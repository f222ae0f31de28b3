"""The supervisor dashboard on a hub's database (``outreach dashboard --hub-db URL``).

An app of its own: a hub has no officer's file, so none of the booth's modes, sign-in,
lock or drafts apply. It shows the same dashboard screen as the booth's F6, fed by the
hub's tallies, under a header that names the hub.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.widgets import Static

from outreach_tui.domain import localtime
from outreach_tui.i18n import t
from outreach_tui.tui.keys import localize_bindings
from outreach_tui.tui.screens.base import STYLES

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from outreach_tui.reports.sources import ReportSource


class HubDashboardApp(App[None]):
    # Textual does not read the default screen's own CSS_PATH: both sheets here.
    CSS_PATH = [STYLES / "app.tcss", STYLES / "dashboard.tcss"]
    ENABLE_COMMAND_PALETTE = False  # nothing to run here but reload, next event and quit
    BINDINGS = [Binding("ctrl+q", "quit", "Keluar", id="quit", priority=True)]

    def __init__(
        self,
        source: ReportSource,
        location: str,
        *,
        language: str = "id",
        today: Callable[[], date] | None = None,
    ) -> None:
        """``source``: the hub's tallies; ``location``: the hub as the supervisor named it
        (a path or a URL without its password); ``today``: the hub's day (Asia/Jakarta)."""
        super().__init__()
        self.source = source
        self.location = location
        self.language = language
        self.time_zone = localtime.DEFAULT_ZONE
        self._today = today or (lambda: localtime.today(self.time_zone, localtime.utc_now()))
        self.title = t("app.title", language)
        localize_bindings(self, language)

    def get_default_screen(self) -> Screen[Any]:
        from outreach_tui.tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    # -- what the dashboard reads (tui/screens/dashboard.py's DashboardHost) -----------------

    def today(self) -> date:
        return self._today()

    def report_source(self) -> ReportSource:
        return self.source

    def dashboard_header(self) -> Widget:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("outreach", style="bold")
        text.append(" · " + t("dashboard.hub_header", self.language, location=self.location))
        return Static(text, id="dash-hub-header")
