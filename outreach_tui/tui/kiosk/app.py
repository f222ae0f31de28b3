"""``outreach kiosk``: the booth's second screen. Slides that explain BPJS
Ketenagakerjaan to the queue while the officer registers, with live counts of the day.

- Slides change every ``seconds``; ← → step (and restart the period); any other key
  pauses and resumes, and the header says so; ctrl+q quits.
- Today's counts are read every ``refresh_seconds`` in a thread worker from
  ``store.kiosk.KioskReader`` (read-only, aggregates only) and come back as a message.
  A read that fails (file locked, damaged, gone) is one line in the footer; the slides
  go on with the last figures.
- The booth day and the contribution month are the local day of ``utc_clock()`` in the
  event's zone; figures are recomputed when that day changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Static

from outreach_tui.domain import localtime
from outreach_tui.store import StoreError
from outreach_tui.store.kiosk import BoothToday, KioskReader
from outreach_tui.tui.kiosk.deck import Deck
from outreach_tui.tui.kiosk.slides import VIEWS, SlideView

STYLES = Path(__file__).resolve().parents[1] / "styles"
DEFAULT_SECONDS = 10.0
DEFAULT_REFRESH_SECONDS = 2.0


@dataclass
class BoothTodayRead(Message):
    """A refresh finished: the counts, or the one-line reason there are none."""

    today: BoothToday | None
    problem: str | None = None


class KioskApp(App[None]):
    CSS_PATH = STYLES / "kiosk.tcss"
    ENABLE_COMMAND_PALETTE = False
    # Screen classes for the layout: a TV at 1080p is about 200×56 cells, a laptop
    # terminal 80×24 (kiosk.tcss arranges the slides for each).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    BINDINGS = [
        Binding("left", "step(-1)", "Sebelumnya", id="kiosk-previous", show=False, priority=True),
        Binding("right", "step(1)", "Berikutnya", id="kiosk-next", show=False, priority=True),
        Binding("ctrl+q", "quit", "Keluar", id="quit", show=False, priority=True),
    ]

    def __init__(
        self,
        reader: KioskReader,
        *,
        deck: Deck,
        seconds: float = DEFAULT_SECONDS,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        utc_clock: Callable[[], datetime] = localtime.utc_now,
        first_slide: int = 0,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.deck = deck
        self.seconds = seconds
        self.refresh_seconds = refresh_seconds
        self.utc_clock = utc_clock
        self.current = first_slide % len(deck.slides)
        self.paused = False
        self.today: BoothToday | None = None
        self.problem: str | None = None
        self.day: date | None = None
        self.title = deck.chrome_text("brand")
        self._slide_timer: Timer | None = None

    # --- building ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="kiosk-header"):
            yield Static(self.deck.chrome_text("brand"), id="kiosk-brand")
            yield Static("", id="kiosk-clock")
            yield Static("", id="kiosk-dots")
            yield Static("", id="kiosk-state")
        with ContentSwitcher(id="kiosk-slides", initial=f"slide-{self.current}"):
            for n, slide in enumerate(self.deck.slides):
                yield VIEWS[slide.kind](self.deck, slide, id=f"slide-{n}")
        yield Static(self.deck.chrome_text("keys"), id="kiosk-footer")

    def on_mount(self) -> None:
        # The first read is here, before the first paint (a few indexed counts): the
        # screen is right at once. Every later one runs in the worker.
        self._apply(*self._read())
        self._slide_timer = self.set_interval(self.seconds, self._advance, name="kiosk-slides")
        self.set_interval(self.refresh_seconds, self.refresh_today, name="kiosk-refresh")
        self._show_position()

    # --- slides -----------------------------------------------------------------------

    @property
    def slide_count(self) -> int:
        return len(self.deck.slides)

    def show_slide(self, index: int) -> None:
        self.current = index % self.slide_count
        self.query_one(ContentSwitcher).current = f"slide-{self.current}"
        self._show_position()

    def _advance(self) -> None:
        if not self.paused:
            self.show_slide(self.current + 1)

    def action_step(self, delta: int) -> None:
        self.show_slide(self.current + delta)
        if self._slide_timer is not None and not self.paused:
            self._slide_timer.reset()  # a full period on the slide stepped to

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        if self._slide_timer is not None:
            if self.paused:
                self._slide_timer.pause()
            else:
                self._slide_timer.reset()
                self._slide_timer.resume()
        self._show_position()

    def on_key(self, event: events.Key) -> None:
        """Any key but the bound ones (arrows, ctrl+q) pauses or resumes."""
        event.stop()
        event.prevent_default()
        self.toggle_pause()

    def _show_position(self) -> None:
        dots = " ".join("●" if n == self.current else "○" for n in range(self.slide_count))
        self.query_one("#kiosk-dots", Static).update(dots)
        state = self.query_one("#kiosk-state", Static)
        state.set_class(self.paused, "-paused")
        seconds = f"{self.seconds:g}"
        state.update(
            self.deck.chrome_text("paused")
            if self.paused
            else self.deck.chrome_text("playing", seconds=seconds)
        )

    # --- live figures -----------------------------------------------------------------

    def _read(self) -> tuple[BoothToday | None, str | None]:
        try:
            return self.reader.today(self.utc_clock()), None
        except StoreError as exc:
            return None, str(exc)
        except (sqlite3.Error, OSError) as exc:  # anything the file can throw at a reader
            return None, " ".join(str(exc).split()) or type(exc).__name__

    @work(thread=True, exclusive=True, group="kiosk-today", exit_on_error=False)
    def refresh_today(self) -> None:
        self.post_message(BoothTodayRead(*self._read()))

    def on_booth_today_read(self, message: BoothTodayRead) -> None:
        self._apply(message.today, message.problem)

    def _apply(self, today: BoothToday | None, problem: str | None) -> None:
        try:
            footer = self.query_one("#kiosk-footer", Static)
        except NoMatches:
            return  # a reply that arrived while the app shuts down
        self.problem = problem
        footer.set_class(problem is not None, "-problem")
        footer.update(
            self.deck.chrome_text("problem", problem=problem)
            if problem
            else self.deck.chrome_text("keys")
        )
        if today is not None:
            self.today = today
        day = (
            self.today.day
            if self.today
            else localtime.today(localtime.DEFAULT_ZONE, self.utc_clock())
        )
        if today is None and self.day is not None:
            return  # keep the last figures on screen
        for view in self.query(SlideView):
            if day != self.day or view.slide.kind == "today":
                view.show(day, self.today)
        self.day = day
        self._show_header()

    def _show_header(self) -> None:
        parts = [self.deck.chrome_text("brand")]
        if self.today is not None and self.today.event_name:
            parts.append(self.today.event_name)
        self.query_one("#kiosk-brand", Static).update(" · ".join(parts))
        zone = self.today.zone if self.today else localtime.DEFAULT_ZONE
        clock = localtime.local_time(self.utc_clock(), zone)
        self.query_one("#kiosk-clock", Static).update(f"{clock:%H:%M} {localtime.label(zone)}")
