"""The supervisor dashboard: today at a glance, daily bars, targets, a row per officer.

Reads the ``reports`` source its app hands it (``DashboardHost``): the booth's own file
(mode F6), or a hub database in the hub's dashboard app (``outreach dashboard --hub-db
URL``, tui/hub_dashboard.py), whose header names the hub.
``reports.dashboard.dashboard_data`` does the work in an exclusive thread worker — on
showing the screen, on F8/ctrl+r and every 30 seconds while it is shown — and the result
comes back as a message; the previous figures stay on screen while a refresh runs, and a
failure is one line under the tiles.

Narrow terminals (80×24) stack the panels and scroll them (arrows, PageUp/PageDown);
from WIDE columns the daily bars and the targets sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.events import Resize, ScreenResume
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from outreach_tui.domain import localtime
from outreach_tui.reports.dashboard import DashboardData, dashboard_data
from outreach_tui.tui.screens.base import STYLES, BoothScreen
from outreach_tui.tui.widgets import dashboard_parts as parts
from outreach_tui.tui.widgets.booth_footer import BoothFooter

if TYPE_CHECKING:
    from datetime import date

    from outreach_tui.reports.sources import ReportSource

REFRESH_SECONDS = 30
WIDE = 110  # columns from which the charts sit side by side
TABLE_CHROME = 7  # scrollbar, panel border and padding around the officers table
TILES = ("registrations", "workers", "leads", "pending")


def local_now(zone_name: str = localtime.DEFAULT_ZONE) -> datetime:
    """When a load finished, on the event's wall clock, for the status line (tests
    replace it: a fixed clock)."""
    return localtime.local_time(localtime.utc_now(), zone_name).replace(tzinfo=None)


def describe(error: BaseException, language: str) -> str:
    """One line a supervisor can act on: the hub's own message when it has one."""
    message = getattr(error, "message", None)
    text = ""
    if callable(message):
        try:
            text = str(message(language))
        except TypeError:
            text = ""
    text = text or str(error) or type(error).__name__
    return " ".join(text.split())[:200]


@dataclass
class DashboardLoaded(Message):
    request: int
    data: DashboardData
    events: list[str]
    at: datetime


@dataclass
class DashboardFailed(Message):
    request: int
    reason: str


class DashboardHost(Protocol):
    """What the dashboard needs from its app: the booth (a laptop's tallies, under the
    booth header) or the hub's dashboard app (tui/hub_dashboard.py)."""

    language: str
    time_zone: str  # the zone whose day the figures count

    def today(self) -> date: ...

    def report_source(self) -> ReportSource: ...

    def dashboard_header(self) -> Widget: ...


class DashboardScreen(BoothScreen):
    CSS_PATH = STYLES / "dashboard.tcss"
    BINDINGS = [
        Binding("f8,ctrl+r", "reload", "Muat ulang", id="dashboard-reload"),
        Binding("f7", "next_event", "Acara lain", id="dashboard-event"),
    ]

    def __init__(self) -> None:
        super().__init__(id="dashboard")
        self.source: ReportSource | None = None
        self.data: DashboardData | None = None
        self.events: list[str] = []
        self.event_code: str | None = None
        self.loaded_at: datetime | None = None
        self.error: str | None = None
        self.request = 0
        self.busy = False  # a load is running (not ``loading``: Textual's own reactive)
        self.timer: Timer | None = None
        self.columns: list[tuple[parts.Column, int]] = []

    # -- building ---------------------------------------------------------------------------

    @property
    def host(self) -> DashboardHost:
        return cast("DashboardHost", self.app)

    def compose(self) -> ComposeResult:
        yield self.host.dashboard_header()
        with Horizontal(id="dash-tiles"):
            for key in TILES:
                tile = Static(parts.tile("…", ""), id=f"dash-tile-{key}", classes="dash-tile")
                tile.border_title = self.t(f"dashboard.tile.{key}")
                yield tile
        yield Static(self.t("dashboard.loading"), id="dash-status", classes="-loading")
        with VerticalScroll(id="dash-body"):
            with Container(id="dash-charts"):
                yield Static("", id="dash-daily", classes="dash-panel")
                yield Static("", id="dash-targets", classes="dash-panel")
            yield DataTable(id="dash-officers", classes="dash-panel", cursor_type="none",
                            zebra_stripes=True, header_height=2, show_cursor=False)  # fmt: skip
        yield BoothFooter(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.source = self.host.report_source()
        self.query_one("#dash-daily", Static).border_title = self.t(
            "dashboard.daily_title", event=self.t("dashboard.no_event")
        )
        self.query_one("#dash-targets", Static).border_title = self.t("dashboard.targets_title")
        table = self.query_one("#dash-officers", DataTable)
        table.border_title = self.t("dashboard.officers_title")
        table.can_focus = False  # read only: the page scrolls as a whole
        self._layout_for(self.app.size.width)
        self.timer = self.set_interval(REFRESH_SECONDS, self._tick, pause=True)
        self.query_one("#dash-body").focus()

    def on_screen_resume(self, event: ScreenResume) -> None:
        # First show, and back from another mode: fresh figures, and the timer runs.
        if self.timer is not None:
            self.timer.resume()
        self.action_reload()

    def on_screen_suspend(self) -> None:
        if self.timer is not None:
            self.timer.pause()  # no reads for a screen nobody sees

    def on_resize(self, event: Resize) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.set_class(width >= WIDE, "-wide")
        columns = parts.fit_officer_columns(width - TABLE_CHROME)
        if columns != self.columns:
            self.columns = columns
            table = self.query_one("#dash-officers", DataTable)
            table.clear(columns=True)
            for column, size in columns:
                table.add_column(parts.column_label(column, self.language), width=size,
                                 key=column.key)  # fmt: skip
            self._fill_officers()

    # -- loading ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.source is None:
            return
        self.request += 1
        self.busy = True
        self._render_status()
        self.load(self.request, self.source, self.host.today(), self.event_code)

    def _tick(self) -> None:
        if not self.busy:  # a slow source: never pile reads up behind each other
            self.action_reload()

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self, request: int, source: ReportSource, day: date, event: str | None) -> None:
        worker = get_current_worker()
        try:
            data = dashboard_data(source, day, event_code=event)
            events = [e["code"] for e in source.context(("events",))["events"]]
        except Exception as exc:  # any source failure is one line on screen, not a crash
            if not worker.is_cancelled:
                self.post_message(DashboardFailed(request, describe(exc, self.language)))
            return
        if not worker.is_cancelled:
            self.post_message(
                DashboardLoaded(request, data, events, local_now(self.host.time_zone))
            )

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        if message.request != self.request:
            return  # a newer request is on its way
        self.busy = False
        self.error = None
        self.data, self.events, self.loaded_at = message.data, message.events, message.at
        self._render_status()
        self._render_tiles(message.data)
        self._render_daily(message.data)
        self._render_targets(message.data)
        self._fill_officers()

    def on_dashboard_failed(self, message: DashboardFailed) -> None:
        if message.request != self.request:
            return
        self.busy = False
        self.error = message.reason
        self._render_status()

    def action_next_event(self) -> None:
        if not self.events:
            return
        current = self.data.event["code"] if self.data and self.data.event else None
        index = self.events.index(current) + 1 if current in self.events else 0
        self.event_code = self.events[index % len(self.events)]
        self.action_reload()

    # -- drawing ----------------------------------------------------------------------------

    def _render_status(self) -> None:
        status = self.query_one("#dash-status", Static)
        at = f"{self.loaded_at:%H:%M:%S}" if self.loaded_at else None
        if self.error is not None:
            parts_ = [self.t("dashboard.failed", reason=self.error)]
            if at:
                parts_.append(self.t("dashboard.last_data", time=at))
            line = " · ".join(parts_)
        elif self.busy:
            line = self.t("dashboard.reloading" if at else "dashboard.loading")
        else:
            day = self.data.day if self.data else self.host.today()
            line = self.t(
                "dashboard.updated",
                time=at,
                seconds=REFRESH_SECONDS,
                day=f"{parts.weekday(day, self.language)} {day:%d-%m-%Y}",
            )
        status.set_class(self.error is not None, "-error")
        status.set_class(self.busy and self.error is None, "-loading")
        status.update(Text(line, no_wrap=True, overflow="ellipsis"))

    def _render_tiles(self, data: DashboardData) -> None:
        today = data.today
        average = f"{today.workers / today.owners:.1f}".replace(".", ",") if today.owners else "0"
        pending = data.pending_sync
        tiles = {
            "registrations": parts.tile(parts.number(today.registrations),
                                        self.t("dashboard.sub.owners", owners=today.owners)),
            "workers": parts.tile(parts.number(today.workers),
                                  self.t("dashboard.sub.workers", average=average)),
            "leads": parts.tile(parts.number(today.leads),
                                self.t("dashboard.sub.leads", converted=today.converted)),
            "pending": parts.tile(
                parts.number(pending) if pending is not None else "—",
                self.t("dashboard.sub.pending_hub" if pending is None else
                       "dashboard.sub.pending" if pending else "dashboard.sub.pending_none"),
                strong=pending is not None,
            ),
        }  # fmt: skip
        for key, text in tiles.items():
            self.query_one(f"#dash-tile-{key}", Static).update(text)
        self.query_one("#dash-tile-pending").set_class(bool(pending), "-attention")

    def _render_daily(self, data: DashboardData) -> None:
        panel = self.query_one("#dash-daily", Static)
        event = data.event
        name = (event.get("name") or event["code"]) if event else self.t("dashboard.no_event")
        panel.border_title = self.t("dashboard.daily_title", event=name)
        points = parts.shown_days(data.daily, data.day)
        if points and len(points) == len(data.daily):
            panel.border_subtitle = self.t("dashboard.daily_days",
                                           first=f"{points[0].day:%d/%m}",
                                           last=f"{points[-1].day:%d/%m}")  # fmt: skip
        else:
            panel.border_subtitle = self.t("dashboard.daily_last", n=len(points))
        day, language = data.day, self.language
        panel.update(parts.FitWidth(lambda w: parts.daily_chart(points, day, language, w)))

    def _render_targets(self, data: DashboardData) -> None:
        panel = self.query_one("#dash-targets", Static)
        if data.funnel and data.funnel.get("handed_off"):  # issue 18: a hub after hand-offs
            from outreach_tui.tui.widgets.funnel_panel import funnel_and_targets

            panel.update(funnel_and_targets(data, self.language))
            return
        if not data.targets:
            panel.update(Text(self.t("dashboard.no_targets"), style="dim"))
            return
        language = self.language
        items = parts.short_targets(data.targets, language)
        panel.update(parts.FitWidth(lambda w: parts.target_chart(items, language, w)))

    def _fill_officers(self) -> None:
        table = self.query_one("#dash-officers", DataTable)
        table.clear()
        rows = self.data.officers if self.data else ()
        for row in rows:
            table.add_row(*parts.officer_cells(parts.officer_values(row), self.columns),
                          key=row.code)  # fmt: skip
        if rows:
            total = parts.officer_values(parts.total_row(rows, self.language))
            table.add_row(*parts.officer_cells(total, self.columns, style="bold"))
            table.border_subtitle = None
        elif self.data is not None:
            table.border_subtitle = self.t("dashboard.no_officers")
